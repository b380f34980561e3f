/**
 * `/api/v1` of both daemons on top of their admin ports (admin-port.ts). Access rules live in
 * admin-access.ts; the route list is documented in docs/operations.md.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import type { AdminAccessOptions } from "./admin-access.js";
import type { ExecutorAdminPort, RouterAdminPort } from "./admin-port.js";
import { adminRoute, API_PREFIX, registerApiNotFound, sendError } from "./admin-route-kit.js";

export type AdminRouteOptions = AdminAccessOptions;

/** What `GET /api/v1/health` answers; it never needs a token, so monitors and `doctor` can use it. */
export interface AdminHealth {
  readonly status: "ok";
  readonly service: "tart-executor" | "tart-router";
  readonly hostname: string;
  readonly version: string;
  readonly startedAt: string;
}

type KeyParams = { Params: { key: string } };

function registerCommon(
  app: FastifyInstance,
  port: ExecutorAdminPort | RouterAdminPort,
  service: AdminHealth["service"],
  options: AdminRouteOptions,
): void {
  app.get(`${API_PREFIX}/health`, adminRoute(options, "public"), async (): Promise<AdminHealth> => {
    const { hostname, version, startedAt } = port.status();
    return { status: "ok", service, hostname, version, startedAt };
  });
  app.get(`${API_PREFIX}/status`, adminRoute(options, "read"), async () => port.status());
  // The key is URL-encoded by the client (`acme/app#42#1` → `acme%2Fapp%2342%231`); fastify decodes it.
  app.post<KeyParams>(
    `${API_PREFIX}/jobs/:key/cancel`,
    adminRoute(options, "mutating"),
    async (request, reply) => {
      const { key } = request.params;
      return port.cancelJob(key) ? { cancelled: true, key } : unknownJob(reply, key);
    },
  );
  app.post(`${API_PREFIX}/drain`, adminRoute(options, "mutating"), async () => {
    port.drain();
    return { accepting: port.status().accepting };
  });
  app.post(`${API_PREFIX}/resume`, adminRoute(options, "mutating"), async () => {
    port.resume();
    return { accepting: port.status().accepting };
  });
  registerApiNotFound(app, options);
}

function unknownJob(reply: FastifyReply, key: string): FastifyReply {
  return sendError(reply, 404, `no job with key "${key}" (keys look like owner/repo#jobId#runAttempt)`);
}

export function registerExecutorAdminRoutes(
  app: FastifyInstance,
  port: ExecutorAdminPort,
  options: AdminRouteOptions,
): void {
  registerCommon(app, port, "tart-executor", options);
  app.get(`${API_PREFIX}/jobs`, adminRoute(options, "read"), async () => ({ jobs: port.jobs() }));
  app.get<KeyParams>(`${API_PREFIX}/jobs/:key`, adminRoute(options, "read"), async (request, reply) => {
    const job = port.jobs().find((candidate) => candidate.key === request.params.key);
    return job ?? unknownJob(reply, request.params.key);
  });
}

export function registerRouterAdminRoutes(
  app: FastifyInstance,
  port: RouterAdminPort,
  options: AdminRouteOptions,
): void {
  registerCommon(app, port, "tart-router", options);
  app.get(`${API_PREFIX}/hosts`, adminRoute(options, "read"), async () => ({ hosts: port.status().hosts }));
  app.get(`${API_PREFIX}/jobs`, adminRoute(options, "read"), async () => ({ jobs: port.status().jobs }));
  app.get<KeyParams>(`${API_PREFIX}/jobs/:key`, adminRoute(options, "read"), async (request, reply) => {
    const job = port.status().jobs.find((candidate) => candidate.key === request.params.key);
    return job ?? unknownJob(reply, request.params.key);
  });
}
