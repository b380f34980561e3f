/** Constant-time check of an `Authorization: Bearer <token>` header against the expected token. */
import { createHash, timingSafeEqual } from "node:crypto";

export function bearerTokenMatches(header: string | undefined, expected: string): boolean {
  const match = /^Bearer (.+)$/i.exec(header ?? "");
  const presented = match?.[1] ?? "";
  // Hashing first gives equal-length buffers, so neither length nor content leaks through timing.
  const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(presented), digest(expected)) && presented !== "" && expected !== "";
}
