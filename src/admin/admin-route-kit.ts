/**
 * What every `/api/v1` route shares: the access check, `{ "error": "…" }` bodies for every failure
 * (also fastify's own, such as a malformed body), no caching, and a JSON 404 for unknown paths.
 * Everything is set per route rather than with hooks on the instance, so the daemon's other
 * routes (webhooks, /metrics) keep their own behaviour.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from "fastify";
import { decideAdminAccess, type AdminAccessOptions } from "./admin-access.js";

export const API_PREFIX = "/api/v1";

export function sendError(reply: FastifyReply, status: number, error: string): FastifyReply {
  return reply.code(status).header("cache-control", "no-store").send({ error });
}

function handleError(
  error: { statusCode?: number; message: string },
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const status =
    error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500
      ? error.statusCode
      : 500;
  if (status === 500) request.log.error({ err: error }, "admin API request failed");
  void sendError(reply, status, status === 500 ? "internal error" : error.message);
}

/** Route options for an admin route; `public` skips the access check (only `health`). */
export function adminRoute(
  access: AdminAccessOptions,
  kind: "public" | "read" | "mutating",
): RouteShorthandOptions {
  return {
    errorHandler: handleError,
    // Callback style: a refused request is answered here and `done` is not called, which ends it.
    onRequest: (request, reply, done) => {
      void reply.header("cache-control", "no-store");
      if (kind !== "public") {
        const decision = decideAdminAccess(access, {
          authorization: request.headers.authorization,
          remoteAddress: request.ip,
          mutating: kind === "mutating",
        });
        if (!decision.allowed) {
          if (decision.status === 401) void reply.header("www-authenticate", "Bearer");
          void sendError(reply, decision.status, decision.error);
          return;
        }
      }
      done();
    },
  };
}

/** Unknown `/api/v1` paths answer in the API's own error shape instead of fastify's. */
export function registerApiNotFound(app: FastifyInstance, access: AdminAccessOptions): void {
  app.all(`${API_PREFIX}/*`, adminRoute(access, "public"), async (request, reply) =>
    sendError(reply, 404, `no such API route: ${request.method} ${request.url.split("?")[0] ?? ""}`),
  );
}
