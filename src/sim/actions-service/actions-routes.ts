/**
 * The Actions-service routes a scale-set client calls (docs/scale-sets.md §2–§5; actions/scaleset
 * client.go and session_client.go). Admin routes want `Authorization: Bearer <admin token>`; the
 * message queue and `acquirejobs` want the session's queue token.
 */
import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { sleepUnlessAborted } from "../github/changes.js";
import { parseAuthorization } from "../github/request-auth.js";
import { ActionsError } from "./actions-error.js";
import type { ActionsState } from "./actions-state.js";
import type { Label, RunnerGroup, ScaleSet } from "./scale-sets.js";

const BASE = "/_apis/runtime/runnerscalesets";
type IdParams = { readonly id: string };
type SessionParams = IdParams & { readonly sessionId: string };

function bearer(request: FastifyRequest): string {
  const credential = parseAuthorization(request.headers.authorization);
  return credential !== undefined && credential.scheme.toLowerCase() === "bearer" ? credential.value : "";
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function scaleSetJson(state: ActionsState, set: ScaleSet): Record<string, unknown> {
  return {
    id: set.id,
    name: set.name,
    runnerGroupId: set.runnerGroupId,
    runnerGroupName: set.runnerGroupName,
    labels: set.labels.map((l) => ({ type: l.type, name: l.name })),
    RunnerSetting: { disableUpdate: set.disableUpdate },
    createdOn: iso(set.createdOnMs),
    runnerJitConfigUrl: `${state.url()}${BASE}/${set.id}/generatejitconfig`,
    statistics: state.assigner.statistics(set),
  };
}

function parseLabels(value: unknown): Label[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new ActionsError(400, "ArgumentException", "labels must be an array");
  return value.map((l: unknown) => {
    const label = l as { type?: unknown; name?: unknown };
    if (typeof label?.name !== "string" || label.name.trim() === "")
      throw new ActionsError(400, "ArgumentException", "every label needs a name");
    return {
      type: typeof label.type === "string" && label.type !== "" ? label.type : "System",
      name: label.name,
    };
  });
}

export function registerActionsRoutes(app: FastifyInstance, state: ActionsState): void {
  const { sets, assigner, clock } = state;

  const admin = (request: FastifyRequest): string => {
    const githubUrl = state.adminTokens.check(bearer(request), clock.now());
    if (githubUrl === undefined)
      throw new ActionsError(401, "UnauthorizedException", "The token is not valid.");
    return githubUrl;
  };
  const setOf = (request: FastifyRequest<{ Params: IdParams }>): ScaleSet => {
    const set = sets.get(Number(request.params.id));
    if (set === undefined)
      throw new ActionsError(
        404,
        "RunnerScaleSetNotFoundException",
        `No runner scale set ${request.params.id}.`,
      );
    return set;
  };
  /** The queue token must be the current one of this set's session: else 401 (refresh the session). */
  const queueSetOf = (request: FastifyRequest<{ Params: IdParams }>): ScaleSet => {
    const set = setOf(request);
    if (set.session === undefined || set.session.token !== bearer(request))
      throw new ActionsError(401, "UnauthorizedException", "The message queue token is not valid.");
    set.session.lastSeenMs = clock.now();
    return set;
  };
  const groupOf = (id: number): RunnerGroup => {
    const group = state.groups.find((g) => g.id === id);
    if (group === undefined)
      throw new ActionsError(404, "RunnerGroupNotFoundException", `No runner group ${id}.`);
    return group;
  };

  for (const path of ["/_apis/runtime/runnergroups", "/_apis/runtime/runnergroups/"]) {
    app.get<{ Querystring: { groupName?: string } }>(path, async (request) => {
      admin(request);
      const name = request.query.groupName?.toLowerCase();
      const value = state.groups
        .filter((g) => name === undefined || g.name.toLowerCase() === name)
        .map((g) => ({ id: g.id, name: g.name, size: 0, isDefaultGroup: g.isDefault }));
      return { count: value.length, value };
    });
  }

  app.get<{ Querystring: { runnerGroupId?: string; name?: string } }>(BASE, async (request) => {
    admin(request);
    const groupId = Number(request.query.runnerGroupId ?? "1");
    const found =
      request.query.name === undefined
        ? sets.list().filter((s) => s.runnerGroupId === groupId)
        : sets.byName(groupId, request.query.name);
    return { count: found.length, value: found.map((s) => scaleSetJson(state, s)) };
  });

  app.get<{ Params: IdParams }>(`${BASE}/:id`, async (request) => {
    admin(request);
    return scaleSetJson(state, setOf(request));
  });

  app.post<{ Body: unknown }>(BASE, async (request) => {
    admin(request);
    const body = (request.body ?? {}) as {
      name?: unknown;
      runnerGroupId?: unknown;
      labels?: unknown;
      RunnerSetting?: unknown;
    };
    if (typeof body.name !== "string" || body.name.trim() === "")
      throw new ActionsError(400, "ArgumentException", "A runner scale set needs a name.");
    const group = groupOf(typeof body.runnerGroupId === "number" ? body.runnerGroupId : 1);
    if (sets.byName(group.id, body.name).length > 0)
      throw new ActionsError(
        409,
        "RunnerScaleSetExistsException",
        `A runner scale set named ${body.name} already exists.`,
      );
    const labels = parseLabels(body.labels) ?? [{ type: "System", name: body.name }];
    const setting = body.RunnerSetting as { disableUpdate?: unknown } | undefined;
    const set = sets.create({
      name: body.name,
      runnerGroupId: group.id,
      runnerGroupName: group.name,
      labels,
      disableUpdate: setting?.disableUpdate === true,
      createdOnMs: clock.now(),
    });
    state.changed();
    return scaleSetJson(state, set);
  });

  app.patch<{ Params: IdParams; Body: unknown }>(`${BASE}/:id`, async (request) => {
    admin(request);
    const set = setOf(request);
    const body = (request.body ?? {}) as {
      name?: unknown;
      runnerGroupId?: unknown;
      labels?: unknown;
      RunnerSetting?: unknown;
    };
    const labels = parseLabels(body.labels);
    if (labels !== undefined) set.labels = labels;
    if (typeof body.name === "string" && body.name !== "") set.name = body.name;
    if (typeof body.runnerGroupId === "number") {
      const group = groupOf(body.runnerGroupId);
      set.runnerGroupId = group.id;
      set.runnerGroupName = group.name;
    }
    const setting = body.RunnerSetting as { disableUpdate?: unknown } | undefined;
    if (setting !== undefined) set.disableUpdate = setting.disableUpdate === true;
    state.changed();
    return scaleSetJson(state, set);
  });

  app.delete<{ Params: IdParams }>(`${BASE}/:id`, async (request, reply) => {
    admin(request);
    const set = setOf(request);
    for (const runner of assigner.runners().filter((r) => r.scaleSetId === set.id))
      assigner.removeRunner(runner.id);
    sets.delete(set.id);
    state.changed();
    return reply.code(204).send();
  });

  const sessionJson = (set: ScaleSet): Record<string, unknown> => ({
    sessionId: set.session?.sessionId,
    ownerName: set.session?.ownerName,
    runnerScaleSet: scaleSetJson(state, set),
    messageQueueUrl: `${state.url()}${BASE}/${set.id}/messages`,
    messageQueueAccessToken: set.session?.token,
    statistics: assigner.statistics(set),
  });

  app.post<{ Params: IdParams; Body: unknown }>(`${BASE}/:id/sessions`, async (request) => {
    admin(request);
    const set = setOf(request);
    const owner = (request.body as { ownerName?: unknown } | undefined)?.ownerName;
    // A session whose listener stopped polling long ago (a killed process) has expired.
    if (set.session !== undefined && !assigner.live(set)) set.session = undefined;
    const session = sets.openSession(set, typeof owner === "string" ? owner : "", clock.now());
    if (session === undefined)
      throw new ActionsError(
        409,
        "TaskAgentSessionConflictException",
        `The runner scale set ${set.name} already has an active session for owner ${set.session?.ownerName ?? ""}.`,
      );
    state.changed();
    return sessionJson(set);
  });

  app.patch<{ Params: SessionParams }>(`${BASE}/:id/sessions/:sessionId`, async (request) => {
    admin(request);
    const set = setOf(request);
    if (set.session?.sessionId !== request.params.sessionId)
      throw new ActionsError(404, "TaskAgentSessionExpiredException", "The session no longer exists.");
    set.session.token = randomUUID();
    return sessionJson(set);
  });

  app.delete<{ Params: SessionParams }>(`${BASE}/:id/sessions/:sessionId`, async (request, reply) => {
    admin(request);
    const set = setOf(request);
    if (set.session?.sessionId !== request.params.sessionId)
      throw new ActionsError(404, "TaskAgentSessionExpiredException", "The session no longer exists.");
    set.session = undefined;
    set.capacity = 0;
    state.changed();
    return reply.code(204).send();
  });

  app.get<{ Params: IdParams; Querystring: { lastMessageId?: string } }>(
    `${BASE}/:id/messages`,
    async (request, reply: FastifyReply) => {
      const set = queueSetOf(request);
      const header = request.headers["x-scalesetmaxcapacity"];
      const capacity = Number.parseInt(typeof header === "string" ? header : "", 10);
      if (!Number.isFinite(capacity) || capacity < 0)
        throw new ActionsError(
          400,
          "ArgumentException",
          "X-ScaleSetMaxCapacity must be a non-negative integer.",
        );
      set.capacity = capacity;
      state.lastPoll.set(set.id, { atMs: clock.now(), capacity });
      assigner.pump();
      const lastMessageId = Number.parseInt(request.query.lastMessageId ?? "0", 10) || 0;
      if (state.takeDroppedPoll()) {
        reply.raw.destroy();
        return reply;
      }
      const disconnected = new AbortController();
      reply.raw.once("close", () => disconnected.abort());
      const signal = AbortSignal.any([disconnected.signal, state.shutdown]);
      const deadline = clock.now() + state.pollWaitMs;
      for (;;) {
        const message = set.queue.next(lastMessageId);
        if (message !== undefined) return { ...message, statistics: assigner.statistics(set) };
        const left = deadline - clock.now();
        if (left <= 0 || signal.aborted) return reply.code(202).send();
        const wake = new AbortController();
        const stop = AbortSignal.any([wake.signal, signal]);
        await Promise.race([state.changes.next(stop), sleepUnlessAborted(clock, left, stop)]);
        wake.abort();
        if (sets.get(set.id)?.session?.token !== bearer(request))
          throw new ActionsError(401, "UnauthorizedException", "The message queue token is not valid.");
      }
    },
  );

  app.delete<{ Params: IdParams & { messageId: string } }>(
    `${BASE}/:id/messages/:messageId`,
    async (request, reply) => {
      const set = queueSetOf(request);
      set.queue.delete(Number(request.params.messageId));
      state.acks.push({ scaleSetId: set.id, messageId: Number(request.params.messageId), atMs: clock.now() });
      return reply.code(204).send();
    },
  );

  app.post<{ Params: IdParams; Body: unknown }>(`${BASE}/:id/acquirejobs`, async (request) => {
    const set = queueSetOf(request);
    const ids = request.body;
    if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id)))
      throw new ActionsError(400, "ArgumentException", "The body must be an array of runner request ids.");
    const value = assigner.acquire(set, ids as number[]);
    return { count: value.length, value };
  });

  app.post<{ Params: IdParams; Body: unknown }>(`${BASE}/:id/generatejitconfig`, async (request) => {
    const githubUrl = admin(request);
    const set = setOf(request);
    const body = (request.body ?? {}) as { name?: unknown; workFolder?: unknown };
    if (typeof body.name !== "string" || body.name.trim() === "")
      throw new ActionsError(400, "ArgumentException", "A JIT runner needs a name.");
    const workFolder =
      typeof body.workFolder === "string" && body.workFolder !== "" ? body.workFolder : "_work";
    const runner = assigner.createRunner(set, body.name, workFolder);
    if (runner === undefined)
      throw new ActionsError(409, "AgentExistsException", `A runner named ${body.name} already exists.`);
    return {
      runner: { id: runner.id, name: runner.name, runnerScaleSetId: set.id },
      encodedJITConfig: state.jitConfig(runner, set, githubUrl),
    };
  });

  app.get<{ Querystring: { agentName?: string } }>(
    "/_apis/distributedtask/pools/0/agents",
    async (request) => {
      admin(request);
      const name = request.query.agentName?.toLowerCase();
      const value = assigner
        .runners()
        .filter((r) => name === undefined || r.name.toLowerCase() === name)
        .map((r) => ({ id: r.id, name: r.name, runnerScaleSetId: r.scaleSetId }));
      return { count: value.length, value };
    },
  );

  app.delete<{ Params: IdParams }>("/_apis/distributedtask/pools/0/agents/:id", async (request, reply) => {
    admin(request);
    const runner = assigner.runner(Number(request.params.id));
    if (runner === undefined)
      throw new ActionsError(404, "AgentNotFoundException", "The runner does not exist.");
    if (runner.runningJob !== undefined)
      throw new ActionsError(409, "JobStillRunningException", "The runner is still running a job.");
    assigner.removeRunner(runner.id);
    return reply.code(204).send();
  });
}
