/**
 * The executor wired in-process the way src/cli/executor-daemon.ts wires it — the real HTTP
 * server (buildExecutorServer), the real webhook handlers, a real Executor with its reconciler
 * and a real LedgerStore in a temp directory — but with a `runVm` supplied by the test instead
 * of tart and GitHub. For hostile-input fuzzing (a recording runVm that holds every VM) and the
 * flood (a fast synthetic VM lifecycle).
 *
 * Not yet startExecutorDaemon itself: its options take a config, a tart executable and a GitHub
 * App key, and have no way to pass the VM lifecycle (runVm, removeOrphanVm), a live reconcile
 * policy or the reconcile interval, nor does the daemon hand back its server for `inject`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { registerExecutorAdminRoutes } from "../../src/admin/admin-routes.js";
import { systemClock } from "../../src/clock.js";
import { executorAdmin } from "../../src/executor/executor-admin.js";
import { JobTimelines } from "../../src/executor/job-timelines.js";
import { Executor } from "../../src/executor/executor.js";
import { buildExecutorServer, executorWebhooks } from "../../src/executor/executor-server.js";
import { executorStatus } from "../../src/executor/executor-status.js";
import { LedgerStore } from "../../src/executor/ledger-store.js";
import type { LedgerEvent, ObservedJob, ReconcilePolicy, VmSpec } from "../../src/executor/model.js";
import { createExecutorMetrics, type ExecutorMetrics } from "../../src/observability/executor-metrics.js";
import { createLogger, type LogLevel } from "../../src/observability/logger.js";

export const HOSTNAME = "mini-1";
export const REQUIRED_LABEL = "tartelet";

export interface VmRequest {
  readonly name: string;
  readonly spec: VmSpec;
  readonly forJob: string;
  readonly signal: AbortSignal;
}

export interface InProcessOptions {
  /** Webhook secret; null = signature verification off. */
  readonly secret: string | null;
  readonly routerToken?: string | null;
  readonly maxBodyBytes?: number;
  readonly maxVms?: number;
  readonly policy?: Partial<ReconcilePolicy>;
  readonly reconcileIntervalMs?: number;
  /** The VM lifecycle; default: records the request and holds the VM until it is aborted. */
  readonly runVm?: (request: VmRequest, emit: (event: LedgerEvent) => void) => Promise<void>;
  readonly logLevel?: LogLevel;
  /** Listen on 127.0.0.1 (port 0) as well as serving `inject`. */
  readonly listen?: boolean;
  /** The admin API's `apiToken` (default none) and whether it counts as reachable from other hosts. */
  readonly apiToken?: string | null;
  readonly exposed?: boolean;
}

export interface InProcessExecutor {
  readonly app: FastifyInstance;
  readonly executor: Executor;
  readonly store: LedgerStore;
  readonly dir: string;
  readonly metrics: ExecutorMetrics;
  /** Base URL when listening. */
  readonly url: string;
  /** Every runVm call, in order. */
  readonly started: VmRequest[];
  /** The log lines written so far (JSON text). */
  readonly logLines: string[];
  /** The policy object the executor reads on every pass (a test may change it while running). */
  readonly policy: { -readonly [K in keyof ReconcilePolicy]: ReconcilePolicy[K] };
  close(): Promise<void>;
}

export const DEFAULT_POLICY: ReconcilePolicy = {
  idleTimeoutMs: 60_000,
  maxAttempts: 3,
  completedGraceMs: 60_000,
  tombstoneMs: 86_400_000,
  phaseDeadlineMs: {
    cloning: 3_600_000,
    booting: 3_600_000,
    provisioning: 3_600_000,
    idle: 3_600_000,
    busy: 3_600_000,
    "tearing-down": 3_600_000,
  },
};

export async function startInProcessExecutor(options: InProcessOptions): Promise<InProcessExecutor> {
  const dir = mkdtempSync(path.join(tmpdir(), "tart-rel-inprocess-"));
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line !== "") logLines.push(line);
      if (logLines.length > 50_000) logLines.splice(0, logLines.length - 50_000);
      done();
    },
  });
  const log = createLogger({ level: options.logLevel ?? "warn", pretty: false, destination });
  const metrics = createExecutorMetrics({ hostname: HOSTNAME, version: "0.0.0-test" });
  const store = LedgerStore.open(path.join(dir, "ledger"));
  const policy = { ...DEFAULT_POLICY, ...options.policy };
  const started: VmRequest[] = [];
  const capacity = { maxVms: options.maxVms ?? 2, cpuLimit: null, memoryLimitMiB: null };
  const hold = (request: VmRequest): Promise<void> =>
    new Promise((resolve) => {
      if (request.signal.aborted) resolve();
      else request.signal.addEventListener("abort", () => resolve(), { once: true });
    });
  const executor: Executor = new Executor({
    store,
    clock: systemClock,
    random: Math.random,
    hostname: HOSTNAME,
    log,
    policy,
    capacity,
    reconcileIntervalMs: options.reconcileIntervalMs ?? 1000,
    runVm: (request) => {
      started.push(request);
      return options.runVm === undefined
        ? hold(request)
        : options.runVm(request, (event) => executor.emit(event));
    },
    removeOrphanVm: async () => undefined,
    retryBackoffMs: 0,
    onGiveUp: () => metrics.job("given_up"),
  });
  const status = () =>
    executorStatus({
      ledger: executor.ledger,
      capacity: { ...capacity, accepting: executor.accepting },
      hostname: HOSTNAME,
      version: "0.0.0-test",
      now: systemClock.now(),
    });
  const handlerDeps = {
    secret: options.secret,
    rules: {
      requiredLabels: [REQUIRED_LABEL],
      aliases: { xcode: "ghcr.io/cirruslabs/macos-sequoia-xcode:latest" },
      allow: [],
      defaultCpu: null,
      defaultMemoryMiB: null,
    },
    record: (deliveryId: string, job: ObservedJob) => executor.recordJob(deliveryId, job),
    log,
    warnedJobs: new Set<string>(),
  };
  const routerToken = options.routerToken ?? null;
  const app = buildExecutorServer({
    log,
    maxBodyBytes: options.maxBodyBytes ?? 1 << 20,
    metrics,
    status,
    ...executorWebhooks({ handler: handlerDeps, status, ledger: () => executor.ledger, routerToken }),
  });
  registerExecutorAdminRoutes(
    app,
    executorAdmin({ executor, timelines: new JobTimelines(), status, startedAt: systemClock.now() }),
    { token: options.apiToken ?? null, exposed: options.exposed ?? true },
  );
  let url = "";
  if (options.listen === true) url = await app.listen({ host: "127.0.0.1", port: 0 });
  else await app.ready();
  executor.start();
  return {
    app,
    executor,
    store,
    dir,
    metrics,
    url,
    started,
    logLines,
    policy,
    async close() {
      await executor.stop("test over", { drainMs: 0 });
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
