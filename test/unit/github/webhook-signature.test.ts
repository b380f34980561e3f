import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { signWebhookBody, verifyWebhookSignature } from "../../../src/github/webhook-signature.js";

// GitHub's published test vector (docs: "Validating webhook deliveries").
const SECRET = "It's a Secret to Everybody";
const PAYLOAD = "Hello, World!";
const SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

describe("signWebhookBody", () => {
  it("reproduces GitHub's official test vector", () => {
    expect(signWebhookBody(SECRET, PAYLOAD)).toBe(SIGNATURE);
    expect(signWebhookBody(SECRET, Buffer.from(PAYLOAD))).toBe(SIGNATURE);
  });
});

describe("verifyWebhookSignature", () => {
  it("accepts GitHub's official test vector", () => {
    expect(verifyWebhookSignature(SECRET, Buffer.from(PAYLOAD), SIGNATURE)).toBe(true);
  });

  it("signs the raw bytes, so re-encoded JSON does not verify", () => {
    const raw = Buffer.from('{"a": 1,  "b":"é"}');
    const header = signWebhookBody("s3cret-value", raw);
    const reencoded = Buffer.from(JSON.stringify(JSON.parse(raw.toString())));
    expect(verifyWebhookSignature("s3cret-value", raw, header)).toBe(true);
    expect(verifyWebhookSignature("s3cret-value", reencoded, header)).toBe(false);
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["prefix only", "sha256="],
    ["no prefix", SIGNATURE.slice("sha256=".length)],
    ["upper-case hex", "sha256=" + SIGNATURE.slice(7).toUpperCase()],
    ["truncated", SIGNATURE.slice(0, -2)],
    ["too long", SIGNATURE + "00"],
    ["trailing whitespace", SIGNATURE + " "],
    ["non-hex", "sha256=" + "z".repeat(64)],
    ["multi-byte characters of the right length", "sha256=" + "é".repeat(64)],
    ["two headers joined by a comma", `${SIGNATURE},${SIGNATURE}`],
  ])("rejects a %s header without throwing", (_name, header) => {
    expect(verifyWebhookSignature(SECRET, Buffer.from(PAYLOAD), header)).toBe(false);
  });

  it("never accepts the legacy sha1 signature", () => {
    const sha1 = "sha1=" + createHmac("sha1", SECRET).update(PAYLOAD).digest("hex");
    expect(verifyWebhookSignature(SECRET, Buffer.from(PAYLOAD), sha1)).toBe(false);
  });

  it("verifies nothing when the secret is empty", () => {
    const body = Buffer.from(PAYLOAD);
    expect(verifyWebhookSignature("", body, signWebhookBody("", body))).toBe(false);
  });

  it("round-trips any body and secret", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.uint8Array(), (secret, bytes) => {
        const body = Buffer.from(bytes);
        expect(verifyWebhookSignature(secret, body, signWebhookBody(secret, body))).toBe(true);
      }),
    );
  });

  it("never verifies a signature over a different body", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.uint8Array({ minLength: 1 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (secret, bytes, at, flip) => {
          const body = Buffer.from(bytes);
          const header = signWebhookBody(secret, body);
          const mutated = Buffer.from(body);
          const index = at % mutated.length;
          mutated[index] = (mutated[index] ?? 0) ^ flip;
          expect(verifyWebhookSignature(secret, mutated, header)).toBe(false);
          expect(verifyWebhookSignature(secret, Buffer.concat([body, Buffer.from([flip])]), header)).toBe(
            false,
          );
        },
      ),
    );
  });

  it("never verifies a signature made with a different secret", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        fc.uint8Array(),
        (a, b, bytes) => {
          // HMAC zero-pads short keys, so keys differing only by trailing NULs are the same key.
          fc.pre(a.replace(/\0+$/, "") !== b.replace(/\0+$/, ""));
          const body = Buffer.from(bytes);
          expect(verifyWebhookSignature(b, body, signWebhookBody(a, body))).toBe(false);
        },
      ),
    );
  });
});
