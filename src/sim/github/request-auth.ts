/**
 * Who is calling: the `Authorization` header turned into a principal. GitHub accepts installation
 * tokens as `Bearer` or `token` (any case), JWTs only as `Bearer`; an invalid credential is a 401 on
 * every endpoint, before the endpoint's own rules.
 */
import { looksLikeJwt, verifyAppJwt, JWT_DECODE_ERROR, type AppJwtVerifier } from "./app-jwt.js";
import { GitHubError, badCredentials, notAccessible, requiresAuthentication } from "./github-error.js";
import type { InstallationToken, InstallationTokens } from "./installation-tokens.js";

/** How a request authenticated, as recorded in the request log. */
export type AuthKind = "none" | "jwt" | "installation" | "remote-auth" | "runner" | "other";

export type Principal =
  | { readonly kind: "none" }
  | { readonly kind: "jwt" }
  | { readonly kind: "installation"; readonly token: InstallationToken };

export interface Credential {
  readonly scheme: string;
  readonly value: string;
}

export function parseAuthorization(header: string | undefined): Credential | undefined {
  if (header === undefined || header.trim() === "") return undefined;
  const match = /^(\S+)\s+(\S+)\s*$/.exec(header.trim());
  return match === null
    ? { scheme: "", value: header.trim() }
    : { scheme: match[1] ?? "", value: match[2] ?? "" };
}

/** The kind a credential claims to be, before verification (for the request log). */
export function classifyAuthorization(header: string | undefined): AuthKind {
  const credential = parseAuthorization(header);
  if (credential === undefined) return "none";
  const scheme = credential.scheme.toLowerCase();
  if (scheme === "remoteauth") return "remote-auth";
  if (credential.value.startsWith("simr_")) return "runner";
  if (credential.value.startsWith("ghs_") && (scheme === "bearer" || scheme === "token"))
    return "installation";
  if (scheme === "bearer" && looksLikeJwt(credential.value)) return "jwt";
  return "other";
}

export interface AuthDeps {
  readonly verifier: AppJwtVerifier;
  readonly tokens: InstallationTokens;
  readonly nowMs: number;
}

export function authenticate(header: string | undefined, deps: AuthDeps): Principal {
  const credential = parseAuthorization(header);
  if (credential === undefined) return { kind: "none" };
  const scheme = credential.scheme.toLowerCase();
  if (scheme === "bearer" && looksLikeJwt(credential.value)) {
    const result = verifyAppJwt(credential.value, deps.verifier, deps.nowMs);
    if (!result.ok) throw new GitHubError(401, result.message);
    return { kind: "jwt" };
  }
  if (scheme === "bearer" || scheme === "token") {
    const token = deps.tokens.resolve(credential.value, deps.nowMs);
    if (token !== undefined) return { kind: "installation", token };
  }
  throw badCredentials();
}

/** JWT-only endpoints (`/app/...`, installation lookups). */
export function requireJwt(principal: Principal): void {
  if (principal.kind === "jwt") return;
  // GitHub tries to decode whatever it got as a JWT (urcomputeringpal/kubevalidator#48).
  throw new GitHubError(401, JWT_DECODE_ERROR);
}

/** Endpoints an installation token must call. */
export function requireInstallation(principal: Principal, docs: string): InstallationToken {
  if (principal.kind === "installation") return principal.token;
  if (principal.kind === "jwt") throw notAccessible(docs);
  throw requiresAuthentication(docs);
}
