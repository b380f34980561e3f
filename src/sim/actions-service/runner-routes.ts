/**
 * The runner stand-in's private protocol (src/sim/runner-protocol.ts) for scale-set JIT runners:
 * the JIT config of a scale-set runner points the stand-in at this service, which hands it the
 * jobs assigned to its scale set.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { randomUUID } from "node:crypto";
import type { JobAssignment } from "../runner-protocol.js";
import { sleepUnlessAborted } from "../github/changes.js";
import { parseAuthorization } from "../github/request-auth.js";
import { ActionsError } from "./actions-error.js";
import type { ActionsState } from "./actions-state.js";
import type { JobResult, ScaleSetRunner } from "./job-assigner.js";

type RunnerParams = { readonly runnerId: string };
type SessionParams = RunnerParams & { readonly sessionId: string };
type JobParams = RunnerParams & { readonly jobId: string };
const RESULTS: readonly JobResult[] = ["Succeeded", "Failed", "Canceled"];

export function registerRunnerRoutes(app: FastifyInstance, state: ActionsState): void {
  const { assigner, clock } = state;
  const runnerOf = (request: FastifyRequest<{ Params: RunnerParams }>): ScaleSetRunner => {
    const runner = assigner.runner(Number(request.params.runnerId));
    if (runner === undefined)
      throw new ActionsError(404, "AgentNotFoundException", "The runner no longer exists on the server.");
    const credential = parseAuthorization(request.headers.authorization);
    if (credential?.value !== runner.credential)
      throw new ActionsError(401, "UnauthorizedException", "Bad credentials");
    return runner;
  };

  app.post<{ Params: RunnerParams }>("/_sim/runners/:runnerId/sessions", async (request, reply) => {
    const runner = runnerOf(request);
    if (runner.session !== undefined)
      throw new ActionsError(
        409,
        "TaskAgentSessionConflictException",
        "A session for this runner already exists.",
      );
    runner.session = randomUUID();
    state.changed();
    return reply.code(201).send({ sessionId: runner.session });
  });

  app.get<{ Params: SessionParams; Querystring: { waitMs?: string } }>(
    "/_sim/runners/:runnerId/sessions/:sessionId/job",
    async (request, reply: FastifyReply) => {
      const disconnected = new AbortController();
      reply.raw.once("close", () => disconnected.abort());
      const signal = AbortSignal.any([disconnected.signal, state.shutdown]);
      const deadline = clock.now() + Math.min(Number.parseInt(request.query.waitMs ?? "0", 10) || 0, 50_000);
      for (;;) {
        const runner = runnerOf(request);
        if (runner.session !== request.params.sessionId)
          throw new ActionsError(404, "TaskAgentSessionExpiredException", "The session no longer exists.");
        const job = assigner.handOut(runner);
        if (job !== undefined) {
          const assignment: JobAssignment = {
            jobId: job.runnerRequestId,
            runId: job.workflowRunId,
            name: job.name,
            repo: job.repo,
            durationMs: job.durationMs,
            result: job.result,
          };
          return assignment;
        }
        const left = deadline - clock.now();
        if (left <= 0 || signal.aborted) return reply.code(204).send();
        const wake = new AbortController();
        const stop = AbortSignal.any([wake.signal, signal]);
        await Promise.race([state.changes.next(stop), sleepUnlessAborted(clock, left, stop)]);
        wake.abort();
      }
    },
  );

  app.post<{ Params: JobParams }>("/_sim/runners/:runnerId/jobs/:jobId/acquire", async (request) => {
    if (!assigner.start(runnerOf(request), Number(request.params.jobId)))
      throw new ActionsError(409, "JobNotAssignedException", "The job is no longer assigned to this runner.");
    return {};
  });

  app.post<{ Params: JobParams }>("/_sim/runners/:runnerId/jobs/:jobId/renew", async (request) => {
    if (!assigner.renew(runnerOf(request), Number(request.params.jobId)))
      throw new ActionsError(404, "JobNotFoundException", "The job is not running on this runner.");
    return { cancelled: false };
  });

  app.post<{ Params: JobParams; Body: unknown }>(
    "/_sim/runners/:runnerId/jobs/:jobId/complete",
    async (request) => {
      const runner = runnerOf(request);
      const result = (request.body as { result?: unknown } | undefined)?.result;
      if (!RESULTS.includes(result as JobResult))
        throw new ActionsError(400, "ArgumentException", `result must be one of ${RESULTS.join(", ")}`);
      if (!assigner.complete(runner, Number(request.params.jobId), result as JobResult))
        throw new ActionsError(404, "JobNotFoundException", "The job is not running on this runner.");
      return {};
    },
  );

  app.delete<{ Params: SessionParams }>(
    "/_sim/runners/:runnerId/sessions/:sessionId",
    async (request, reply) => {
      const runner = assigner.runner(Number(request.params.runnerId));
      // An ephemeral runner is deleted right after its job; its goodbye still succeeds.
      if (runner === undefined) return reply.code(204).send();
      runnerOf(request).session = undefined;
      state.changed();
      return reply.code(204).send();
    },
  );
}
