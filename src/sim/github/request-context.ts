/** Per-request facts the server's hooks establish and the routes read. */
import type { FastifyRequest } from "fastify";
import type { Site } from "./accounts.js";
import type { Principal } from "./request-auth.js";

const principals = new WeakMap<FastifyRequest, Principal>();

export function setPrincipal(request: FastifyRequest, principal: Principal): void {
  principals.set(request, principal);
}

export function principalOf(request: FastifyRequest): Principal {
  return principals.get(request) ?? { kind: "none" };
}

export const API_PREFIX = "/api/v3";

/** Whether the client called the GHES-style `/api/v3` base. */
export const calledWithApiPrefix = (request: FastifyRequest): boolean =>
  request.originalUrl === API_PREFIX || request.originalUrl.startsWith(`${API_PREFIX}/`);

/** The absolute URL the client called (for `Link` headers that point back the same way). */
export function requestUrl(request: FastifyRequest, site: Site): URL {
  return new URL(request.originalUrl, site.url);
}

/** The path without prefix and query, as routes and fault patterns see it. */
export function routePath(request: FastifyRequest): string {
  const path = request.url.split("?")[0] ?? "/";
  return path === "" ? "/" : path;
}
