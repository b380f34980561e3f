/**
 * Verification of GitHub App JWTs the way api.github.com does it: RS256 against the App's public
 * key, `iss` = App id (number or string) or client id, `exp` in the future but at most 10 minutes
 * ahead of the server clock, `iat` not in the future. The 401 messages are GitHub's own wording
 * (octokit/auth-app matches on them to correct clock skew).
 */
import { verify, type KeyObject } from "node:crypto";

export const JWT_DECODE_ERROR = "A JSON web token could not be decoded";
export const EXP_TOO_FAR = "'Expiration time' claim ('exp') is too far in the future";
export const EXP_INVALID =
  "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
export const IAT_INVALID =
  "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";

/** GitHub's documented maximum JWT lifetime, counted from the server's now. */
const MAX_EXP_AHEAD_SECONDS = 600;

export interface AppJwtVerifier {
  readonly appId: number;
  readonly clientId: string;
  readonly publicKey: KeyObject;
  /** How far `iat` may lie in the server's future (clock skew allowance), seconds. */
  readonly iatLeewaySeconds: number;
}

export type JwtResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** Whether a bearer credential has the shape of a JWT (three base64url parts). */
export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);
}

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function verifyAppJwt(token: string, verifier: AppJwtVerifier, nowMs: number): JwtResult {
  const [headerPart, payloadPart, signaturePart] = token.split(".");
  if (headerPart === undefined || payloadPart === undefined || signaturePart === undefined)
    return { ok: false, message: JWT_DECODE_ERROR };
  const header = decodePart(headerPart);
  const claims = decodePart(payloadPart);
  if (header?.["alg"] !== "RS256" || claims === undefined) return { ok: false, message: JWT_DECODE_ERROR };
  const signed = verify(
    "RSA-SHA256",
    Buffer.from(`${headerPart}.${payloadPart}`),
    verifier.publicKey,
    Buffer.from(signaturePart, "base64url"),
  );
  // A valid signature under the wrong `iss` gets the same answer (octokit/auth-app.js#375).
  const iss = claims["iss"];
  const issMatches =
    iss === verifier.appId || iss === String(verifier.appId) || (iss === verifier.clientId && iss !== "");
  if (!signed || !issMatches) return { ok: false, message: JWT_DECODE_ERROR };

  const now = nowMs / 1000;
  const exp = claims["exp"];
  if (typeof exp !== "number" || exp <= now) return { ok: false, message: EXP_INVALID };
  if (exp > now + MAX_EXP_AHEAD_SECONDS) return { ok: false, message: EXP_TOO_FAR };
  const iat = claims["iat"];
  if (typeof iat !== "number" || !Number.isInteger(iat) || iat > now + verifier.iatLeewaySeconds)
    return { ok: false, message: IAT_INVALID };
  return { ok: true };
}
