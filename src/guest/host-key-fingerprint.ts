import { createHash } from "node:crypto";

/** OpenSSH's fingerprint of a raw host key blob: `SHA256:` + unpadded base64 (what `ssh-keygen -l` prints). */
export function fingerprintHostKey(keyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}

/**
 * True when `fingerprint` matches the configured pin. Pins are the base64 SHA-256 of the key blob,
 * accepted with or without the `SHA256:` prefix and `=` padding, so both `ssh-keygen -l` output and
 * a plain digest can be pasted into the config.
 */
export function hostKeyMatchesPin(fingerprint: string, pin: string): boolean {
  const normalize = (value: string): string =>
    value
      .trim()
      .replace(/^SHA256:/, "")
      .replace(/=+$/, "");
  return normalize(fingerprint) === normalize(pin);
}
