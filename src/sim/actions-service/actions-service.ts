/**
 * startFakeActionsService(): GitHub's Actions service as a runner scale-set client sees it
 * (docs/scale-sets.md): scale sets, message sessions, the long-polled message queue, acquire,
 * JIT configs, job assignment by advertised capacity across scale sets and reassignment; its JIT
 * runners run on the runner stand-in. Attach it to a fake GitHub so `actions/runner-registration`
 * hands out its URL and admin tokens.
 */
import { randomUUID } from "node:crypto";
import Fastify from "fastify";
import { systemClock, type Clock } from "../../clock.js";
import { Changes } from "../github/changes.js";
import type { FakeGitHub } from "../github/fake-github.js";
import { Faults } from "../github/faults.js";
import { TaskGroup } from "../github/task-group.js";
import { encodeJitConfig } from "../runner-protocol.js";
import { ActionsError } from "./actions-error.js";
import { registerActionsRoutes } from "./actions-routes.js";
import type { ActionsState } from "./actions-state.js";
import { AdminTokens } from "./admin-tokens.js";
import { JobAssigner, type NewJob, type ScaleSetRunner, type SimJob } from "./job-assigner.js";
import { registerRunnerRoutes } from "./runner-routes.js";
import { ScaleSets, type RunnerGroup, type ScaleSet } from "./scale-sets.js";

export interface FakeActionsServiceOptions {
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly host?: string;
  /** Answers `actions/runner-registration` for scale-set clients of this fake GitHub. */
  readonly github?: FakeGitHub;
  readonly runnerGroups?: readonly RunnerGroup[];
  /** How long an empty long poll waits before 202 (the real service: about 50 s). */
  readonly pollWaitMs?: number;
  /** How long an offered job waits for `acquirejobs` before another scale set gets it. */
  readonly offerTimeoutMs?: number;
  /** How long an assigned job waits for a runner before it is reassigned. */
  readonly runnerTimeoutMs?: number;
  readonly leaseMs?: number;
  readonly adminTokenTtlMs?: number;
  /** A session not polled for this long expires: no more offers, and a new listener may open one (default 120 s). */
  readonly sessionTimeoutMs?: number;
}

export interface RecordedActionsRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
  status: number;
}

export interface FakeActionsService {
  readonly url: string;
  readonly faults: Faults;
  /** A `{ url, token }` admin connection, as `actions/runner-registration` answers. */
  adminConnection(githubUrl: string): { url: string; token: string };
  enqueueJob(job: NewJob): SimJob;
  jobs(): SimJob[];
  scaleSets(): ScaleSet[];
  runners(): ScaleSetRunner[];
  acks(): ReadonlyArray<{ scaleSetId: number; messageId: number; atMs: number }>;
  lastPoll(scaleSetId: number): { atMs: number; capacity: number } | undefined;
  requests(): readonly RecordedActionsRequest[];
  /** The next `count` long polls lose their connection before any answer. */
  dropNextPolls(count?: number): void;
  /** Every session gets a new queue token: the listener's next queue call is a 401. */
  expireQueueTokens(): void;
  /** Every admin token becomes invalid (the client must exchange a new registration token). */
  revokeAdminTokens(): void;
  /** Opens a session on the named scale set as another listener would. */
  holdSession(scaleSetName: string, owner?: string): void;
  /** Ends the session of the named scale set, whoever holds it (it expired on the service). */
  releaseSession(scaleSetName: string): void;
  /** Queues a raw message (unknown type, malformed body…) for a scale set. */
  pushRawMessage(scaleSetName: string, messageType: string, body: string): void;
  waitFor<T>(probe: () => T | undefined | false | null, timeoutMs: number, what?: string): Promise<T>;
  internalErrors(): readonly unknown[];
  close(): Promise<void>;
}

export async function startFakeActionsService(
  options: FakeActionsServiceOptions = {},
): Promise<FakeActionsService> {
  const clock = options.clock ?? systemClock;
  const tasks = new TaskGroup();
  const changes = new Changes(clock);
  const sets = new ScaleSets();
  const site = { url: "" };
  const faults = new Faults();
  let dropPolls = 0;
  const assigner = new JobAssigner({
    clock,
    random: options.random ?? Math.random,
    tasks,
    changes,
    sets,
    serviceUrl: () => site.url,
    offerTimeoutMs: options.offerTimeoutMs ?? 30_000,
    runnerTimeoutMs: options.runnerTimeoutMs ?? 300_000,
    leaseMs: options.leaseMs ?? 10_000,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 120_000,
  });
  const adminTokens = new AdminTokens(options.adminTokenTtlMs ?? 3_600_000);
  const state: ActionsState = {
    clock,
    changes,
    sets,
    assigner,
    adminTokens,
    groups: options.runnerGroups ?? [{ id: 1, name: "Default", isDefault: true }],
    pollWaitMs: options.pollWaitMs ?? 50_000,
    shutdown: tasks.signal,
    acks: [],
    lastPoll: new Map(),
    url: () => site.url,
    changed: () => {
      changes.notify();
      assigner.pump();
    },
    takeDroppedPoll: () => {
      if (dropPolls <= 0) return false;
      dropPolls -= 1;
      return true;
    },
    jitConfig: (runner, set, githubUrl) =>
      encodeJitConfig(
        {
          agentId: runner.id,
          agentName: runner.name,
          poolId: set.runnerGroupId,
          poolName: set.runnerGroupName,
          serverUrl: site.url,
          gitHubUrl: githubUrl,
          workFolder: runner.workFolder,
          ephemeral: true,
          disableUpdate: set.disableUpdate,
        },
        { scheme: "OAuth", data: { clientId: String(runner.id), token: runner.credential } },
      ),
  };
  const requests: RecordedActionsRequest[] = [];
  const routeErrors: unknown[] = [];
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 1024 * 1024 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new ActionsError(400, "ArgumentException", "The request body is not valid JSON."), undefined);
    }
  });
  const entries = new WeakMap<object, RecordedActionsRequest>();
  app.addHook("preHandler", async (request, reply) => {
    const path = request.url.split("?")[0] ?? "/";
    const entry: RecordedActionsRequest = {
      method: request.method,
      path,
      headers: { ...request.headers },
      body: request.body,
      status: 0,
    };
    requests.push(entry);
    entries.set(request, entry);
    const fault = faults.take(request.method, path);
    if (fault === undefined) return undefined;
    if (fault.kind === "delay") {
      await clock.sleep(fault.ms);
      return undefined;
    }
    const status = fault.status;
    const headers: Record<string, string> =
      fault.kind === "rate-limit" ? { "retry-after": String(fault.retryAfterSeconds ?? 1) } : {};
    const message = fault.kind === "status" ? (fault.message ?? "injected fault") : "rate limited";
    return reply
      .code(status)
      .headers(headers)
      .send(new ActionsError(status, "InjectedFault", message).body());
  });
  app.addHook("onResponse", async (request, reply) => {
    const entry = entries.get(request);
    if (entry !== undefined) entry.status = reply.statusCode;
  });
  app.setErrorHandler(async (error, _request, reply) => {
    if (error instanceof ActionsError) return reply.code(error.status).send(error.body());
    const status = (error as { statusCode?: unknown }).statusCode;
    if (typeof status === "number" && status >= 400 && status < 500)
      return reply
        .code(status)
        .send({ typeName: "ArgumentException", message: String((error as Error).message) });
    routeErrors.push(error);
    return reply.code(500).send({ typeName: "Exception", message: "Internal error" });
  });
  app.setNotFoundHandler(async (_request, reply) =>
    reply.code(404).send({ typeName: "NotFoundException", message: "Not found" }),
  );
  registerActionsRoutes(app, state);
  registerRunnerRoutes(app, state);
  const host = options.host ?? "127.0.0.1";
  await app.listen({ host, port: 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  site.url = `http://${host}:${port}`;
  const adminConnection = (githubUrl: string): { url: string; token: string } => ({
    url: `${site.url}/`,
    token: adminTokens.issue(githubUrl, clock.now()),
  });
  options.github?.attachActionsService(adminConnection);
  const setNamed = (name: string): ScaleSet => {
    const set = sets.list().find((s) => s.name.toLowerCase() === name.toLowerCase());
    if (set === undefined) throw new Error(`no scale set named ${name}`);
    return set;
  };

  return {
    url: site.url,
    faults,
    adminConnection,
    enqueueJob: (job) => assigner.enqueue(job),
    jobs: () => assigner.jobs(),
    scaleSets: () => sets.list(),
    runners: () => assigner.runners(),
    acks: () => state.acks,
    lastPoll: (id) => state.lastPoll.get(id),
    requests: () => requests,
    dropNextPolls: (count = 1) => {
      dropPolls += count;
    },
    expireQueueTokens: () => {
      for (const set of sets.list()) if (set.session !== undefined) set.session.token = randomUUID();
      changes.notify();
    },
    revokeAdminTokens: () => adminTokens.revokeAll(),
    holdSession: (name, owner = "another-listener") => {
      if (sets.openSession(setNamed(name), owner, clock.now()) === undefined)
        throw new Error(`${name} already has a session`);
      changes.notify();
    },
    releaseSession: (name) => {
      const set = setNamed(name);
      set.session = undefined;
      set.capacity = 0;
      changes.notify();
    },
    pushRawMessage: (name, type, body) => {
      setNamed(name).queue.pushRaw(type, body);
      changes.notify();
    },
    waitFor: (probe, timeoutMs, what) => changes.waitFor(probe, timeoutMs, what),
    internalErrors: () => [...routeErrors, ...tasks.errors],
    close: async () => {
      await tasks.close();
      await app.close();
    },
  };
}
