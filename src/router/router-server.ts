/**
 * The router's HTTP server, built but not started: GitHub webhooks on `/` (the original path) and
 * `/webhook`, the executors' nudge `POST /runner`, `/healthz`, `/metrics` and `/status`.
 */
import { addWebhookRoutes, answerErrors, createDaemonServer } from "../http/webhook-server.js";
import type { FastifyInstance } from "fastify";
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
  const app = createDaemonServer({ maxBodyBytes: deps.maxBodyBytes });
  addWebhookRoutes(app, {
    handle: deps.handleWebhook,
    count: (outcome) => deps.metrics.webhook(outcome),
    log: deps.log,
  });

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
  answerErrors(app, { count: (outcome) => deps.metrics.webhook(outcome), log: deps.log });
  return app;
}
