import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fingerprintHostKey, hostKeyMatchesPin } from "../../../src/guest/host-key-fingerprint.js";

const blob = Buffer.from("not really a key blob");
const padded = createHash("sha256").update(blob).digest("base64");

describe("host key fingerprints", () => {
  it("look like ssh-keygen -l output", () => {
    expect(fingerprintHostKey(blob)).toBe(`SHA256:${padded.replace(/=+$/, "")}`);
  });

  it("match pins with or without prefix and padding", () => {
    const fingerprint = fingerprintHostKey(blob);
    expect(hostKeyMatchesPin(fingerprint, padded)).toBe(true);
    expect(hostKeyMatchesPin(fingerprint, fingerprint)).toBe(true);
    expect(hostKeyMatchesPin(fingerprint, padded.replace(/=+$/, ""))).toBe(true);
    expect(hostKeyMatchesPin(fingerprint, fingerprintHostKey(Buffer.from("other")))).toBe(false);
  });
});
