/**
 * Child process of bench/webhook-latency.ts: one HTTP target on a loopback port, in a process of
 * its own (as the daemon runs in production), so neither the load generator nor the other target
 * shares its event loop or heap.
 *
 *   executor  the executor's real HTTP path: buildExecutorServer + handleWebhook + Executor over a
 *             LedgerStore (fsync group commit) in a temp dir, reconciler running, JobTimelines fed
 *             as in src/cli/executor-daemon.ts; runVm only records the request and waits for its
 *             abort (a VM that stays up), 2 VM slots, so almost every job stays queued.
 *   baseline  a bare Fastify app: POST /webhook reads the body as a buffer and answers 202.
 *
 * Protocol (IPC): sends {type:"ready", url}; {type:"reset"} restarts the event-loop delay
 * histogram and CPU counter (after the warm-up); on {type:"stop"} sends {type:"stats", …} and exits.
 * It also exits when the parent goes away or after --max-seconds, so it never outlives a run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Writable } from "node:stream";
import { fastify, type FastifyInstance } from "fastify";
import { systemClock } from "../../src/clock.js";
import { EXECUTOR_DEFAULTS } from "../../src/config/executor-defaults.js";
import { Executor } from "../../src/executor/executor.js";
import { buildExecutorServer } from "../../src/executor/executor-server.js";
import { admits, capacitySummary, executorStatus } from "../../src/executor/executor-status.js";
import { JobTimelines } from "../../src/executor/job-timelines.js";
import { LedgerStore } from "../../src/executor/ledger-store.js";
import type { Capacity, ObservedJob, ReconcilePolicy } from "../../src/executor/model.js";
import { handleForwardedWebhook, handleWebhook } from "../../src/executor/webhook-handler.js";
import { createExecutorMetrics } from "../../src/observability/executor-metrics.js";
import { createLogger } from "../../src/observability/logger.js";

export type TargetKind = "executor" | "baseline";

export type TargetMessage =
  | { readonly type: "ready"; readonly url: string }
  | {
      readonly type: "stats";
      /** Event-loop delay of the target process since the last reset (ms). */
      readonly loopDelayP99Ms: number;
      readonly loopDelayMaxMs: number;
      /** CPU time (user + system) the target process used since the last reset (ms). */
      readonly cpuMs: number;
      /** Executor only: jobs in the ledger and VMs runVm was asked for. */
      readonly ledgerJobs: number | null;
      readonly vmsRequested: number | null;
    };

interface Target {
  readonly app: FastifyInstance;
  stats(): { ledgerJobs: number | null; vmsRequested: number | null };
  close(): Promise<void>;
}

const kind = process.argv[2];
const secret = process.argv[3];
const maxSeconds = Number(process.argv[4] ?? "600");
if ((kind !== "executor" && kind !== "baseline") || secret === undefined || process.send === undefined) {
  process.stderr.write(
    "usage: (forked by bench/webhook-latency.ts) executor|baseline <secret> <max-seconds>\n",
  );
  process.exit(64);
}

const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
let cpuSince = process.cpuUsage();
const target = kind === "executor" ? startExecutor(secret) : startBaseline();
await target.app.listen({ host: "127.0.0.1", port: 0 });
const address = target.app.server.address();
const port = typeof address === "object" && address !== null ? address.port : 0;
await send({ type: "ready", url: `http://127.0.0.1:${port}` });

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  loopDelay.disable();
  const cpu = process.cpuUsage(cpuSince);
  const stats = target.stats();
  await target.close();
  await send({
    type: "stats",
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    loopDelayMaxMs: loopDelay.max / 1e6,
    cpuMs: (cpu.user + cpu.system) / 1000,
    ...stats,
  });
  process.exit(0);
};
process.on("message", (message: { type?: string }) => {
  if (message.type === "reset") {
    loopDelay.reset();
    cpuSince = process.cpuUsage();
  }
  if (message.type === "stop") void stop();
});
process.on("disconnect", () => process.exit(0));
setTimeout(() => process.exit(3), maxSeconds * 1000).unref();

/** Resolves once the message has been handed to the IPC channel. */
function send(message: TargetMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}

function startBaseline(): Target {
  const app = fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
  app.post("/webhook", async (_request, reply) => reply.code(202).send({ message: "accepted" }));
  return { app, stats: () => ({ ledgerJobs: null, vmsRequested: null }), close: () => app.close() };
}

function startExecutor(webhookSecret: string): Target {
  const stateDir = mkdtempSync(path.join(tmpdir(), "bench-webhook-executor-"));
  const log = createLogger({
    level: "warn",
    pretty: false,
    destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
  });
  const metrics = createExecutorMetrics({ hostname: "bench", version: "bench" });
  const capacity: Omit<Capacity, "accepting"> = { maxVms: 2, cpuLimit: null, memoryLimitMiB: null };
  // The daemon's policy, built from the configuration defaults as src/cli/executor-daemon.ts does.
  const t = EXECUTOR_DEFAULTS.timeoutSeconds;
  const policy: ReconcilePolicy = {
    idleTimeoutMs: t.idle * 1000,
    maxAttempts: EXECUTOR_DEFAULTS.retryMaxAttempts,
    completedGraceMs: 60_000,
    tombstoneMs: 24 * 3600_000,
    phaseDeadlineMs: {
      cloning: (t.pull + t.clone) * 1000 + 60_000,
      booting: t.boot * 1000 + 60_000,
      provisioning: t.runnerOnline * 1000 + 60_000,
      idle: t.jobStart * 1000,
      busy: t.jobMax * 1000,
      "tearing-down": t.teardown * 1000 + 60_000,
    },
  };
  const store = LedgerStore.open(path.join(stateDir, "ledger"));
  const timelines = new JobTimelines();
  let vmsRequested = 0;
  const executor = new Executor({
    onEvent: (event, ledger) => timelines.apply(event, ledger),
    store,
    clock: systemClock,
    random: Math.random,
    hostname: "bench",
    log,
    policy,
    capacity,
    // A VM that boots instantly and stays up until the executor tears it down.
    runVm: ({ signal }) => {
      vmsRequested += 1;
      return new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener("abort", () => resolve(), { once: true });
      });
    },
    removeOrphanVm: async () => undefined,
    onGiveUp: () => metrics.job("given_up"),
  });
  const status = () =>
    executorStatus({
      ledger: executor.ledger,
      capacity: { ...capacity, accepting: executor.accepting },
      hostname: "bench",
      version: "bench",
      now: systemClock.now(),
    });
  const handlerDeps = {
    secret: webhookSecret,
    rules: { requiredLabels: ["tartelet"], aliases: {}, allow: [], defaultCpu: null, defaultMemoryMiB: null },
    record: (deliveryId: string, job: ObservedJob) => executor.recordJob(deliveryId, job),
    log,
    warnedJobs: new Set<string>(),
  };
  const app = buildExecutorServer({
    log,
    maxBodyBytes: EXECUTOR_DEFAULTS.maxBodyBytes,
    metrics,
    status,
    handleWebhook: (request) => handleWebhook(request, handlerDeps),
    forwarded: {
      token: null,
      handle: (request) =>
        handleForwardedWebhook(request, {
          ...handlerDeps,
          capacity: () => capacitySummary(status()),
          admit: (job) => admits(status(), executor.ledger, job),
        }),
    },
  });
  executor.start();
  return {
    app,
    stats: () => ({ ledgerJobs: executor.ledger.jobs.size, vmsRequested }),
    close: async () => {
      await app.close();
      await executor.stop("benchmark finished");
      await store.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
