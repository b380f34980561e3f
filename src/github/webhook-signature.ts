/**
 * GitHub webhook signatures (`X-Hub-Signature-256`), github-api.md §1.2: an HMAC-SHA256 of the
 * raw request bytes, keyed with the webhook secret as UTF-8, sent as `sha256=<lowercase hex>`.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

const PREFIX = "sha256=";
const HEADER_PATTERN = /^sha256=[0-9a-f]{64}$/;

/** The `X-Hub-Signature-256` value GitHub would send for `body`. */
export function signWebhookBody(secret: string, body: Buffer | string): string {
  return PREFIX + createHmac("sha256", secret).update(body).digest("hex");
}

/**
 * True only when `header` is a well-formed `sha256=` signature of exactly these bytes.
 * The legacy `sha1=` header is never accepted, and a missing or malformed header is a plain
 * `false`, so callers can answer 401 without a try/catch. An empty secret verifies nothing.
 */
export function verifyWebhookSignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  // Anyone can compute an HMAC with an empty key, so an unset secret must not verify anything.
  if (secret.length === 0) return false;
  // GitHub always sends lowercase hex; anything else is not a signature it made.
  if (typeof header !== "string" || !HEADER_PATTERN.test(header)) return false;
  const expected = Buffer.from(signWebhookBody(secret, rawBody), "utf8");
  const received = Buffer.from(header, "utf8");
  // The pattern fixes the length, but timingSafeEqual throws on a mismatch, so check anyway.
  return expected.length === received.length && timingSafeEqual(expected, received);
}
