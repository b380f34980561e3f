/**
 * The simulated Actions service the runner stand-in talks to (src/sim/runner-protocol.ts):
 * sessions (online/offline), the job long-poll, acquire, renew and complete. Authenticated with
 * the runner's own credential from its `.credentials` file.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { GitHubError } from "./github-error.js";
import { parseAuthorization } from "./request-auth.js";
import type { RunnerResult } from "./job-router.js";
import type { Runner } from "./runner-registry.js";
import type { World } from "./world.js";

type RunnerParams = { readonly runnerId: string };
type SessionParams = RunnerParams & { readonly sessionId: string };
type JobParams = RunnerParams & { readonly jobId: string };

const RESULTS: readonly RunnerResult[] = ["Succeeded", "Failed", "Canceled"];

function credentialOf(request: FastifyRequest): string {
  const credential = parseAuthorization(request.headers.authorization);
  return credential !== undefined && credential.scheme.toLowerCase() === "bearer" ? credential.value : "";
}

export function registerListenerRoutes(app: FastifyInstance, world: World): void {
  const { registry, router, sessions } = world;

  const runnerOf = (request: FastifyRequest<{ Params: RunnerParams }>): Runner => {
    const runner = registry.get(Number(request.params.runnerId));
    if (runner === undefined) throw new GitHubError(404, "The runner no longer exists on the server.");
    if (runner.credential !== credentialOf(request)) throw new GitHubError(401, "Bad credentials");
    return runner;
  };

  app.post<{ Params: RunnerParams; Body: unknown }>(
    "/_sim/runners/:runnerId/sessions",
    async (request, reply) => {
      // The stand-in announces its OS like the real runner does when it connects.
      const os = (request.body as { os?: unknown } | undefined)?.os;
      const session = sessions.open(runnerOf(request), typeof os === "string" && os !== "" ? os : "macOS");
      if (session === undefined) throw new GitHubError(409, "A session for this runner already exists.");
      return reply.code(201).send({ sessionId: session.id });
    },
  );

  app.get<{ Params: SessionParams; Querystring: { waitMs?: string } }>(
    "/_sim/runners/:runnerId/sessions/:sessionId/job",
    async (request, reply: FastifyReply) => {
      const runner = runnerOf(request);
      const disconnected = new AbortController();
      reply.raw.once("close", () => disconnected.abort());
      const waitMs = Number.parseInt(request.query.waitMs ?? "0", 10) || 0;
      const result = await sessions.poll(runner, request.params.sessionId, waitMs, disconnected.signal);
      if (result === "runner-gone") throw new GitHubError(404, "The runner no longer exists on the server.");
      if (result === "session-gone") throw new GitHubError(404, "The session no longer exists.");
      if (result === "nothing") return reply.code(204).send();
      return result;
    },
  );

  app.post<{ Params: JobParams }>("/_sim/runners/:runnerId/jobs/:jobId/acquire", async (request) => {
    if (!router.acquire(runnerOf(request), Number(request.params.jobId)))
      throw new GitHubError(409, "The job is no longer assigned to this runner.");
    return {};
  });

  app.post<{ Params: JobParams }>("/_sim/runners/:runnerId/jobs/:jobId/renew", async (request) => {
    const renewed = router.renew(runnerOf(request), Number(request.params.jobId));
    if (renewed === undefined) throw new GitHubError(404, "The job is not running on this runner.");
    return renewed;
  });

  app.post<{ Params: JobParams; Body: unknown }>(
    "/_sim/runners/:runnerId/jobs/:jobId/complete",
    async (request) => {
      const runner = runnerOf(request);
      const result = (request.body as { result?: unknown } | undefined)?.result;
      if (!RESULTS.includes(result as RunnerResult))
        throw new GitHubError(400, `result must be one of ${RESULTS.join(", ")}`);
      if (!router.complete(runner, Number(request.params.jobId), result as RunnerResult))
        throw new GitHubError(404, "The job is not running on this runner.");
      return {};
    },
  );

  app.delete<{ Params: SessionParams }>(
    "/_sim/runners/:runnerId/sessions/:sessionId",
    async (request, reply) => {
      const id = Number(request.params.runnerId);
      // An ephemeral runner is deleted by the service right after its job; its goodbye still succeeds.
      if (registry.get(id) === undefined && registry.wasDeleted(id, credentialOf(request)))
        return reply.code(204).send();
      const runner = runnerOf(request);
      if (runner.session?.id !== request.params.sessionId)
        throw new GitHubError(404, "The session no longer exists.");
      sessions.close(runner, "session deleted by the runner");
      return reply.code(204).send();
    },
  );
}
