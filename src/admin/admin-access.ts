/**
 * Who may use `/api/v1`. With `apiToken` set, everything but `health` needs it. Without one, reads
 * stay open (the original served them unauthenticated) and anything that changes state is only
 * accepted from this Mac itself, so a daemon listening on 0.0.0.0 for GitHub cannot be drained or
 * have its jobs cancelled by anyone else on the network.
 */
import { isIP } from "node:net";
import { bearerTokenMatches } from "../http/bearer-token.js";

export interface AdminAccessOptions {
  /** The config's `apiToken`; null when none is set. */
  readonly token: string | null;
  /** True when the daemon binds an address other hosts can reach. */
  readonly exposed: boolean;
}

export interface AdminRequestFacts {
  readonly authorization: string | undefined;
  /** The socket's peer address (fastify's `request.ip` without trustProxy). */
  readonly remoteAddress: string;
  readonly mutating: boolean;
}

export type AdminDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly status: 401 | 403; readonly error: string };

export function decideAdminAccess(options: AdminAccessOptions, facts: AdminRequestFacts): AdminDecision {
  if (options.token !== null) {
    return bearerTokenMatches(facts.authorization, options.token)
      ? { allowed: true }
      : {
          allowed: false,
          status: 401,
          error: "missing or invalid bearer token: send `Authorization: Bearer <apiToken>`",
        };
  }
  if (!facts.mutating || isLoopbackAddress(facts.remoteAddress)) return { allowed: true };
  const where = options.exposed
    ? "this API listens on a network address and has no token"
    : "this request did not come from this Mac and the API has no token";
  return {
    allowed: false,
    status: 403,
    error: `${where}: set apiToken in the configuration, restart, and send it as \`Authorization: Bearer <apiToken>\``,
  };
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(address: string): boolean {
  const plain = address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
  if (isIP(plain) === 4) return plain.startsWith("127.");
  return plain === "::1";
}

/**
 * Whether binding `host` makes the daemon reachable from other machines: anything except a
 * loopback address or `localhost` (0.0.0.0 and :: listen on every interface).
 */
export function bindsBeyondLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  return bare.toLowerCase() !== "localhost" && !isLoopbackAddress(bare);
}
