/**
 * The Actions service's admin tokens. The client reads a token's expiry from its JWT `exp` claim
 * without verifying it (actions/scaleset client.go `actionsServiceAdminTokenExpiresAt`), so the
 * fake issues JWT-shaped tokens (unsigned) and remembers which ones it issued.
 */
import { randomUUID } from "node:crypto";

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

export class AdminTokens {
  readonly #issued = new Map<string, { expiresAtMs: number; githubUrl: string }>();
  readonly #ttlMs: number;

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  issue(githubUrl: string, nowMs: number): string {
    const expiresAtMs = nowMs + this.#ttlMs;
    const token = `${b64url({ alg: "none", typ: "JWT" })}.${b64url({
      exp: Math.floor(expiresAtMs / 1000),
      iat: Math.floor(nowMs / 1000),
      jti: randomUUID(),
    })}.`;
    this.#issued.set(token, { expiresAtMs, githubUrl });
    return token;
  }

  /** The GitHub URL the token was issued for, when it is valid now. */
  check(token: string, nowMs: number): string | undefined {
    const entry = this.#issued.get(token);
    if (entry === undefined || entry.expiresAtMs <= nowMs) return undefined;
    return entry.githubUrl;
  }

  /** Makes every token issued so far invalid (a revoked installation, a rotated key). */
  revokeAll(): void {
    this.#issued.clear();
  }
}
