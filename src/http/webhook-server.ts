/**
 * What both daemons' HTTP servers share: limits that keep slow or idle clients from holding
 * sockets, the raw request bytes kept as a Buffer (signatures cover the exact bytes, and the
 * router forwards them unchanged), and the GitHub webhook routes `POST /` and `POST /webhook`.
 */
import { fastify, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Logger } from "pino";
import type { WebhookOutcome } from "../observability/metric-outcomes.js";

export interface RawRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly rawBody: Buffer;
}

export interface WebhookAnswer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  readonly outcome: WebhookOutcome;
}

/** A Fastify instance with the shared limits and the raw-bytes body parser. */
export function createDaemonServer(options: { maxBodyBytes: number }): FastifyInstance {
  const app = fastify({
    bodyLimit: options.maxBodyBytes,
    // GitHub itself gives up after 10 s; nobody legitimate needs longer.
    connectionTimeout: 30_000,
    requestTimeout: 30_000,
    keepAliveTimeout: 5_000,
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
  return app;
}

/** The request's body as the bytes that arrived. */
export function rawRequest(request: FastifyRequest): RawRequest {
  return {
    headers: request.headers,
    rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
  };
}

/**
 * `POST /` (the original's path) and `POST /webhook`. A handler failure (the delivery could not
 * be recorded) answers 503, so GitHub records a failed delivery that can be redelivered.
 */
export function addWebhookRoutes(
  app: FastifyInstance,
  deps: {
    handle: (request: RawRequest) => Promise<WebhookAnswer>;
    count: (outcome: WebhookOutcome) => void;
    log: Logger;
  },
): void {
  const webhook = async (request: FastifyRequest, reply: FastifyReply) => {
    let answer: WebhookAnswer;
    try {
      answer = await deps.handle(rawRequest(request));
    } catch (error) {
      deps.log.error({ err: error }, "could not record webhook");
      answer = {
        status: 503,
        body: { message: "could not record the delivery; please redeliver" },
        outcome: "bad_request",
      };
    }
    deps.count(answer.outcome);
    return reply.code(answer.status).send(answer.body);
  };
  app.post("/", webhook);
  app.post("/webhook", webhook);
}

/**
 * Errors Fastify raises itself (a body over the limit, a malformed request) keep their 4xx and are
 * counted as bad webhooks when the body was too large; anything else is a 500 that says nothing
 * of the cause to the caller and is logged.
 */
export function answerErrors(
  app: FastifyInstance,
  deps: { count: (outcome: WebhookOutcome) => void; log: Logger },
): void {
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status =
      error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500
        ? error.statusCode
        : 500;
    if (status === 413) deps.count("bad_request");
    if (status >= 500) deps.log.error({ err: error }, "request failed");
    return reply.code(status).send({ message: status === 500 ? "internal error" : error.message });
  });
}
