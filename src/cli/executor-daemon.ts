/**
 * The composition root of `tart-executor`: builds the real adapters from the configuration, wires
 * them into the executor, cleans up after a previous run and starts the HTTP server. Everything
 * outside comes in through `env` and friends so tests (and the demo) can run it in-process.
 */
import { randomInt } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import type { ExecutorConfig } from "../config/executor-config.js";
import { systemClock, type Clock } from "../clock.js";
import { GitHubClient } from "../github/github-client.js";
import { runnerScopeOf } from "../github/runner-scope.js";
import { tartEnvironment } from "../tart/tart-environment.js";
import { connectGuest } from "../guest/ssh-guest.js";
import { createExecutorMetrics, type ExecutorMetrics } from "../observability/executor-metrics.js";
import { countJobOutcomes } from "../observability/count-job-outcomes.js";
import { createWarmMetrics } from "../observability/warm-metrics.js";
import { rememberSecret } from "../observability/remember-secret.js";
import type { SecretRegistry } from "../observability/secret-registry.js";
import { Tart } from "../tart/tart.js";
import { Executor } from "../executor/executor.js";
import { buildExecutorServer, executorWebhooks } from "../executor/executor-server.js";
import { executorStatus } from "../executor/executor-status.js";
import type { GuestPort } from "../executor/ports.js";
import { bindsBeyondLoopback } from "../admin/admin-access.js";
import { registerExecutorAdminRoutes } from "../admin/admin-routes.js";
import { executorAdmin } from "../executor/executor-admin.js";
import { nudgeRouter, pingLocalUrl, touchHomeFolder } from "../executor/host-nudges.js";
import { fetchHttp } from "../executor/http-port.js";
import { JobTimelines } from "../executor/job-timelines.js";
import { LostJobWatch } from "../executor/lost-job-watch.js";
import { LedgerStore } from "../executor/ledger-store.js";
import type { ObservedJob } from "../executor/model.js";
import { deliveriesSeen } from "../executor/deliveries-seen.js";
import { isOwnVmName } from "../shared/vm-name.js";
import { jobServedBy } from "../executor/job-served-by.js";
import { RunnerPackageCache } from "../executor/runner-package-cache.js";
import { REDELIVERY_WINDOW_MS, redeliverMissedWebhooks } from "../github/redeliver-missed-webhooks.js";
import { recoverAfterRestart } from "../executor/restart-recovery.js";
import { sweep } from "../executor/sweeper.js";
import { teardownVm } from "../executor/vm-teardown.js";
import { runVmLifecycle } from "../executor/vm-lifecycle.js";
import { hostCapacity, reconcilePolicy, vmSettings } from "./executor-settings.js";
import { warmPoolPolicy } from "../executor/warm-pool-config.js";
import { packageVersion } from "./package-version.js";
import { pruneVmLogs } from "./prune-vm-logs.js";
import { scaleSetJobSource, scaleSetWebhookSecret } from "./scaleset-job-source.js";

export interface ExecutorDaemonOptions {
  readonly config: ExecutorConfig;
  readonly tartExecutable: string;
  readonly privateKeyPem: string;
  /** The process environment, passed on to tart minus the daemon's own secrets. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: Logger;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** The logger's secret registry: secrets GitHub hands out at run time are added to it. */
  readonly secrets?: SecretRegistry;
}

export interface ExecutorDaemon {
  readonly url: string;
  readonly executor: Executor;
  readonly metrics: ExecutorMetrics;
  readonly timelines: JobTimelines;
  /** Stops starting VMs (running jobs go on); `resume` undoes it. */
  drain(): void;
  resume(): void;
  /** Tears every VM down now (a second shutdown signal). */
  abortAll(reason: string): void;
  /** Drains (up to timeouts.drain), tears all VMs down and stops the server. */
  close(reason: string): Promise<void>;
}

export async function startExecutorDaemon(options: ExecutorDaemonOptions): Promise<ExecutorDaemon> {
  const { config, log } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? (() => randomInt(0, 2 ** 32) / 2 ** 32);
  const version = packageVersion();
  const metrics = createExecutorMetrics({ hostname: config.hostname, version });
  const stateDir = config.stateDirectory;
  const vmLogDir = path.join(stateDir, "vm-logs");
  mkdirSync(vmLogDir, { recursive: true });

  touchHomeFolder(config.tart.homeFolder, log);
  const tart = new Tart({
    executable: options.tartExecutable,
    env: tartEnvironment(options.env, config.tart.homeFolder),
    onCommand: (event) => metrics.tartCommand(event.command, event.outcome),
  });
  const t = config.timeouts;
  const restGitHub = new GitHubClient({
    appId: config.github.appId,
    privateKeyPem: options.privateKeyPem,
    apiUrl: config.github.apiUrl,
    scope: runnerScopeOf(config.github),
    clock,
    userAgent: `tart-executor/${version}`,
    onSecret: rememberSecret(options.secrets),
    retry: {
      attemptTimeoutMs: t.githubRequestMs,
      onRequest: (event) => {
        metrics.githubRequest(event.outcome);
        if (event.rateLimitRemaining !== null) metrics.githubRateLimitRemaining(event.rateLimitRemaining);
        if (event.outcome === "ok") return;
        // 404/409/422 are answers the client handles (gone, taken, busy); the rest an operator should see.
        const expected = event.outcome === "client_error" && event.status !== 401 && event.status !== 403;
        log[expected ? "debug" : "warn"](
          { method: event.method, route: event.route, status: event.status, outcome: event.outcome },
          "GitHub request failed",
        );
      },
    },
  });
  // Scale-set mode (null in webhook mode): jobs from the scale set's queue, JIT configs from the scale set.
  const scaleSet = scaleSetJobSource(config, {
    github: restGitHub,
    log,
    clock,
    random,
    onSecret: rememberSecret(options.secrets),
  });
  const github = scaleSet?.github ?? restGitHub;
  const runnerPackage = new RunnerPackageCache({
    dir: path.join(stateDir, "runner-cache"),
    locate: () => github.runnerDownload("osx", "arm64"),
  });
  const ssh = config.tart.ssh;
  const sshKey = ssh.privateKeyPath === undefined ? undefined : readFileSync(ssh.privateKeyPath, "utf8");
  const guest: GuestPort = {
    connect: (target) =>
      connectGuest(
        {
          host: target.host,
          port: ssh.port,
          username: ssh.username,
          ...(ssh.password === undefined ? {} : { password: ssh.password }),
          ...(sshKey === undefined ? {} : { privateKey: sshKey }),
          readyTimeoutMs: 10_000,
          keepaliveIntervalMs: 10_000,
          // sshd comes up a moment after the VM has an address; retry often, it costs nothing.
          retry: { deadline: target.deadline, retryIntervalMs: 250 },
          signal: target.signal,
        },
        { clock },
      ),
  };

  const capacity = hostCapacity(config);
  const policy = reconcilePolicy(config);
  const settings = vmSettings(config, vmLogDir);

  const store = LedgerStore.open(path.join(stateDir, "ledger"));
  const timelines = new JobTimelines();
  const lostJobs = new LostJobWatch(log);
  const registration: { mode: "jit" | "token" } = { mode: "jit" };
  const warm = warmPoolPolicy(config);
  const warmMetrics = createWarmMetrics(metrics.registry, warm);
  const executor = new Executor({
    onEvent: (event, ledger) => {
      warmMetrics.observe(event, ledger);
      lostJobs.observe(event, ledger);
      timelines.apply(event, ledger);
      countJobOutcomes(event, ledger, config.hostname, metrics);
      if (event.type === "vm-gone") {
        pruneVmLogs(vmLogDir, config.logging.vmLogsToKeep);
        nudgeRouter(config.webhook.routerUrl, log, fetchHttp);
      }
    },
    store,
    clock,
    random,
    hostname: config.hostname,
    log,
    policy,
    capacity,
    warm,
    runVm: (request, vmLedger) =>
      runVmLifecycle(request, {
        tart,
        github,
        guest,
        runnerTarball: () => runnerPackage.get(),
        clock,
        log,
        settings,
        registration,
        emit: (event) => vmLedger.emit(event),
        observe: (phase, seconds) => metrics.observePhase(phase, seconds),
        countVm: (outcome) => metrics.vm(outcome),
        isOwnVm: (vm) => isOwnVmName(vm, config.hostname),
        jobServedBy: (vm) => jobServedBy(vmLedger.ledger, vm),
      }),
    removeOrphanVm: async (name, runnerId) => {
      const problems = await teardownVm(
        { name, run: null, session: null, runnerId, findRunnerByName: runnerId === null },
        { tart, github, clock, budgetMs: t.teardownMs },
      );
      for (const problem of problems) log.error({ vm: name, problem }, "teardown step failed");
    },
    onGiveUp: () => metrics.job("given_up"),
  });

  const recovery = await recoverAfterRestart({
    tart,
    github,
    hostname: config.hostname,
    ledger: store.ledger,
    record: (event) => executor.emit(event),
    now: () => clock.now(),
    log,
  });
  log.info(recovery, "recovered state from the previous run");
  const sweepTimer = setInterval(() => {
    sweep({
      tart,
      github,
      hostname: config.hostname,
      ledger: () => executor.ledger,
      hasTask: (vm) => executor.hasTask(vm),
      removeAdopted: (vm) => executor.removeAdopted(vm, "vm stopped"),
      log,
    }).catch((error: unknown) => log.warn({ err: error }, "sweep failed"));
  }, t.sweepMs);
  sweepTimer.unref();

  const status = () => ({
    ...executorStatus({
      ledger: executor.ledger,
      capacity: { ...capacity, accepting: executor.accepting },
      hostname: config.hostname,
      version,
      now: clock.now(),
    }),
    ...(scaleSet === null ? {} : { scaleSet: scaleSet.status() }),
  });
  const secret = config.webhook.insecureSkipSignatureVerification ? null : scaleSetWebhookSecret(config);
  const routerToken = config.webhook.routerToken ?? null;
  const handlerDeps = {
    secret,
    rules: {
      requiredLabels: config.runner.labels,
      aliases: config.tart.images.aliases,
      allow: config.tart.images.allow,
      defaultCpu: config.tart.defaultCpu ?? null,
      defaultMemoryMiB: config.tart.defaultMemory ?? null,
    },
    record: (deliveryId: string, job: ObservedJob) => executor.recordJob(deliveryId, job),
    log,
    warnedJobs: new Set<string>(),
  };
  const server = buildExecutorServer({
    log,
    maxBodyBytes: config.webhook.maxBodyBytes,
    metrics: scaleSet?.withMetrics(metrics) ?? metrics,
    status,
    ...executorWebhooks({ handler: handlerDeps, status, ledger: () => executor.ledger, routerToken }),
  });
  registerExecutorAdminRoutes(
    server,
    executorAdmin({ executor, timelines, status, startedAt: clock.now() }),
    { token: config.apiToken ?? null, exposed: bindsBeyondLoopback(config.webhook.host) },
  );
  const address = await server.listen({ host: config.webhook.host, port: config.webhook.port });
  executor.start();
  scaleSet?.start(executor);
  log.info({ url: address, slots: capacity.maxVms, version }, "tart-executor listening");
  pingLocalUrl(config.webhook.localUrl, log, fetchHttp);
  nudgeRouter(config.webhook.routerUrl, log, fetchHttp);
  // Behind a router, the router recovers missed deliveries; standalone, we ask GitHub for them.
  if (config.webhook.routerUrl === undefined && scaleSet === null)
    void redeliverMissedWebhooks({
      github,
      seen: deliveriesSeen(executor.ledger),
      // Not past the tombstones: a job forgotten since must not be started again by an old delivery.
      sinceMs: clock.now() - Math.min(REDELIVERY_WINDOW_MS, t.tombstoneMs),
      log,
    });
  return {
    url: address,
    executor,
    metrics,
    timelines,
    drain: () => executor.setAccepting(false),
    resume: () => executor.setAccepting(true),
    abortAll: (reason) => executor.abortAll(reason),
    close: async (reason) => {
      clearInterval(sweepTimer);
      await scaleSet?.close();
      await executor.stop(reason, { drainMs: t.drainMs });
      await server.close();
      await store.close();
    },
  };
}
