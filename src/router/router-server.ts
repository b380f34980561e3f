/**
 * The router's HTTP server, built but not started: GitHub webhooks on `/` (the original path) and
 * `/webhook`, the executors' nudge `POST /runner`, `/healthz`, `/metrics` and `/status`.
 */
import { fastify, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Logger } from "pino";
import type { RouterMetrics } from "../observability/router-metrics.js";
import type { RouterState } from "./router-model.js";
import { hostGauges, routerGauges, routerStatus } from "./router-status.js";
import type { IntakeRequest, IntakeResponse } from "./webhook-intake.js";

export interface RouterServerDeps {
  readonly log: Logger;
  readonly hostname: string;
  readonly version: string;
  readonly maxBodyBytes: number;
  readonly handleWebhook: (request: IntakeRequest) => Promise<IntakeResponse>;
  /** An executor says its capacity changed: poll the hosts now. */
  readonly nudge: () => void;
  readonly state: () => RouterState;
  readonly now: () => number;
  readonly metrics: RouterMetrics;
}

export function buildRouterServer(deps: RouterServerDeps): FastifyInstance {
  const app = fastify({
    bodyLimit: deps.maxBodyBytes,
    // Slow or idle clients must not hold sockets open (GitHub itself gives up after 10 s).
    connectionTimeout: 30_000,
    requestTimeout: 30_000,
    keepAliveTimeout: 5_000,
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
  });
  // Keep the exact bytes: the signature covers them, and executors check it again.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));

  const webhook = async (request: FastifyRequest, reply: FastifyReply) => {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    let response: IntakeResponse;
    try {
      response = await deps.handleWebhook({ headers: request.headers, rawBody });
    } catch (error) {
      deps.log.error({ err: error }, "could not record webhook");
      response = {
        status: 503,
        body: { message: "could not record the delivery; please redeliver" },
        outcome: "bad_request",
      };
    }
    deps.metrics.webhook(response.outcome);
    return reply.code(response.status).send(response.body);
  };
  app.post("/", webhook);
  app.post("/webhook", webhook);

  app.post("/runner", async () => {
    deps.nudge();
    return { message: "ok" };
  });
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/status", async () =>
    routerStatus(deps.state(), { hostname: deps.hostname, version: deps.version }, deps.now()),
  );
  app.get("/metrics", async (_request, reply) => {
    const state = deps.state();
    deps.metrics.setGauges(routerGauges(state));
    for (const [hostname, gauges] of hostGauges(state)) deps.metrics.setHost(hostname, gauges);
    return reply.header("content-type", deps.metrics.contentType).send(await deps.metrics.render());
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status =
      error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500
        ? error.statusCode
        : 500;
    if (status === 413) deps.metrics.webhook("bad_request");
    if (status >= 500) deps.log.error({ err: error }, "request failed");
    return reply.code(status).send({ message: status === 500 ? "internal error" : error.message });
  });
  return app;
}
