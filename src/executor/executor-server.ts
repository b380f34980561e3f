/**
 * The executor's HTTP server, built but not started (tests use `inject`): GitHub webhooks on `/`
 * (the original path) and `/webhook`, `/healthz`, `/metrics` and `/status`.
 */
import { addWebhookRoutes, answerErrors, createDaemonServer, rawRequest } from "../http/webhook-server.js";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { bearerTokenMatches } from "../http/bearer-token.js";
import type { ExecutorMetrics } from "../observability/executor-metrics.js";
import { gaugesFromStatus, type ExecutorStatus } from "./executor-status.js";
import type { Ledger } from "./model.js";
import { admits, capacitySummary } from "./executor-status.js";
import {
  handleForwardedWebhook,
  handleWebhook,
  type WebhookHandlerDeps,
  type WebhookRequest,
  type WebhookResponse,
} from "./webhook-handler.js";

export interface ExecutorServerDeps {
  readonly log: Logger;
  readonly maxBodyBytes: number;
  readonly handleWebhook: (request: WebhookRequest) => Promise<WebhookResponse>;
  /** Deliveries forwarded by tart-router; null refuses them (no way to authenticate the router). */
  readonly forwarded: {
    readonly handle: (request: WebhookRequest) => Promise<WebhookResponse>;
    /** webhook.routerToken; when set, the router must present it. */
    readonly token: string | null;
  } | null;
  readonly status: () => ExecutorStatus;
  readonly metrics: ExecutorMetrics;
}

/**
 * The two webhook handlers wired to the executor: deliveries from GitHub, and deliveries forwarded
 * by tart-router, admitted only when this host has room (and refused altogether when neither a
 * webhook secret nor a router token could authenticate the router).
 */
export function executorWebhooks(deps: {
  readonly handler: WebhookHandlerDeps;
  readonly status: () => ExecutorStatus;
  readonly ledger: () => Ledger;
  readonly routerToken: string | null;
}): Pick<ExecutorServerDeps, "handleWebhook" | "forwarded"> {
  const { handler, status } = deps;
  return {
    handleWebhook: (request) => handleWebhook(request, handler),
    forwarded:
      handler.secret === null && deps.routerToken === null
        ? null
        : {
            token: deps.routerToken,
            handle: (request) =>
              handleForwardedWebhook(request, {
                ...handler,
                capacity: () => capacitySummary(status()),
                admit: (job) => admits(status(), deps.ledger(), job),
              }),
          },
  };
}

export function buildExecutorServer(deps: ExecutorServerDeps): FastifyInstance {
  const app = createDaemonServer({ maxBodyBytes: deps.maxBodyBytes });
  addWebhookRoutes(app, {
    handle: deps.handleWebhook,
    count: (outcome) => deps.metrics.webhook(outcome),
    log: deps.log,
  });
  app.post("/router", async (request, reply) => {
    const forwarded = deps.forwarded;
    if (forwarded === null)
      return reply
        .code(403)
        .send({ message: "forwarded jobs need webhook signature verification or webhook.routerToken" });
    if (forwarded.token !== null && !bearerTokenMatches(request.headers.authorization, forwarded.token)) {
      deps.metrics.webhook("unauthorized");
      return reply.code(401).send({ message: "missing or invalid router token" });
    }
    const response = await forwarded.handle(rawRequest(request)).catch((error: unknown) => {
      deps.log.error({ err: error }, "could not record forwarded webhook");
      return {
        status: 503,
        body: { message: "could not record the delivery" },
        outcome: "bad_request",
      } as const;
    });
    deps.metrics.webhook(response.outcome);
    return reply.code(response.status).send(response.body);
  });

  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/status", async () => deps.status());
  app.get("/metrics", async (_request, reply) => {
    deps.metrics.setGauges(gaugesFromStatus(deps.status()));
    return reply.header("content-type", deps.metrics.contentType).send(await deps.metrics.render());
  });
  answerErrors(app, { count: (outcome) => deps.metrics.webhook(outcome), log: deps.log });
  return app;
}
