/** Identifier and timestamp formats GitHub uses, so fake values look like real ones. */
import { createHash, randomBytes } from "node:crypto";

/** Legacy GraphQL node id, e.g. `MDQ6VXNlcjE=` = base64("04:User1"). */
export function legacyNodeId(typeName: string, id: number): string {
  return Buffer.from(`0${typeName.length}:${typeName}${id}`).toString("base64");
}

/** A stable positive id derived from a name (repositories and accounts nobody gave an id). */
export function stableId(name: string, base = 100_000_000): number {
  const digest = createHash("sha256").update(name.toLowerCase()).digest();
  return base + (digest.readUInt32BE(0) % 900_000_000);
}

/** `2024-05-01T10:00:00Z`: GitHub's timestamps carry no milliseconds. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function randomString(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

/** Installation access token: `ghs_` and 36 base62 characters. */
export const installationTokenValue = (): string => `ghs_${randomString(BASE62, 36)}`;
/** Registration/remove token: 29 upper-case base32 characters. */
export const runnerTokenValue = (): string => randomString(BASE32, 29);
/** Credential the simulated runner presents to the listener endpoints. */
export const runnerCredentialValue = (): string => `simr_${randomString(BASE62, 40)}`;

/** `x-github-request-id`, e.g. `C8E4:2B3F4:1A2B3C:1B2C3D:65A1B2C3`. */
export function requestId(): string {
  const hex = (n: number): string => randomBytes(n).toString("hex").toUpperCase().replace(/^0+/, "") || "0";
  return [hex(2), hex(3), hex(3), hex(3), hex(4)].join(":");
}

/** A 40-hex commit sha derived from a seed (stable per run). */
export function fakeSha(seed: string): string {
  return createHash("sha1").update(seed).digest("hex");
}
