/**
 * The fake's HTTP server: every route under both `/` and `/api/v3` (GHES-style base URL), JSON
 * bodies parsed whatever the content type (as GitHub does), GitHub-shaped errors, and a log of
 * every request with how it authenticated and how it was answered.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import { isRestPath, gateRestRequest } from "./api-gate.js";
import { registerAppRoutes } from "./app-routes.js";
import { registerDownloadRoutes } from "./download-routes.js";
import { GitHubError, notFound } from "./github-error.js";
import { registerHookDeliveryRoutes } from "./hook-delivery-routes.js";
import { registerJobRoutes } from "./job-routes.js";
import { registerListenerRoutes } from "./listener-routes.js";
import { registerRegistrationRoutes } from "./registration-routes.js";
import { classifyAuthorization, type AuthKind } from "./request-auth.js";
import { API_PREFIX, calledWithApiPrefix, routePath } from "./request-context.js";
import { registerRunnerRoutes } from "./runner-routes.js";
import { registerRunnerTokenRoutes } from "./runner-token-routes.js";
import type { World } from "./world.js";

export interface RecordedRequest {
  readonly method: string;
  /** Path without the `/api/v3` prefix and without the query. */
  readonly path: string;
  readonly query: string;
  /** Whether the client used the `/api/v3` base. */
  readonly apiPrefix: boolean;
  /** What the Authorization header claimed to be (before verification). */
  readonly authKind: AuthKind;
  readonly atMs: number;
  /** 0 until answered. */
  status: number;
}

/** `errors` collects unexpected exceptions of route handlers (a bug in the fake, answered 500). */
export function buildServer(world: World, log: RecordedRequest[], errors: unknown[]): FastifyInstance {
  const app = Fastify({
    logger: false,
    forceCloseConnections: true,
    rewriteUrl: (req) => {
      const url = req.url ?? "/";
      if (url !== API_PREFIX && !url.startsWith(`${API_PREFIX}/`) && !url.startsWith(`${API_PREFIX}?`))
        return url;
      const rest = url.slice(API_PREFIX.length);
      return rest.startsWith("/") ? rest : `/${rest}`;
    },
  });
  const entries = new WeakMap<FastifyRequest, RecordedRequest>();

  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new GitHubError(400, "Problems parsing JSON"), undefined);
    }
  });

  app.addHook("onRequest", async (request, reply) => {
    const path = routePath(request);
    const entry: RecordedRequest = {
      method: request.method,
      path,
      query: request.url.includes("?") ? request.url.slice(request.url.indexOf("?") + 1) : "",
      apiPrefix: calledWithApiPrefix(request),
      authKind: classifyAuthorization(request.headers.authorization),
      atMs: world.clock.now(),
      status: 0,
    };
    log.push(entry);
    entries.set(request, entry);
    // Clients (octokit/auth-app) correct JWT clock skew from this header, so it follows the fake's clock.
    void reply.header("date", new Date(world.clock.now()).toUTCString());
    if (isRestPath(path) && !(await gateRestRequest(world, request, reply))) return reply;
    return undefined;
  });

  app.addHook("onResponse", async (request, reply) => {
    const entry = entries.get(request);
    if (entry !== undefined) entry.status = reply.statusCode;
  });

  app.setErrorHandler(async (error, _request, reply) => {
    if (error instanceof GitHubError)
      return reply.code(error.status).headers(error.headers).send(error.body());
    const status = (error as { statusCode?: unknown }).statusCode;
    if (typeof status === "number" && status >= 400 && status < 500)
      return reply
        .code(status)
        .send(new GitHubError(status, error instanceof Error ? error.message : "Bad request").body());
    errors.push(error);
    return reply.code(500).send(new GitHubError(500, "Server Error").body());
  });

  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send(notFound().body()));

  registerAppRoutes(app, world);
  registerRunnerTokenRoutes(app, world);
  registerRunnerRoutes(app, world);
  registerJobRoutes(app, world);
  registerHookDeliveryRoutes(app, world);
  registerRegistrationRoutes(app, world);
  registerListenerRoutes(app, world);
  registerDownloadRoutes(app, world);
  return app;
}
