/**
 * Scale-set mode for the daemon (github.jobSource: scaleset): one Actions-service connection
 * shared by the listener (jobs into the executor's ledger) and the VM lifecycle's JIT configs
 * (the scale set's generatejitconfig). In webhook mode it is null and changes nothing.
 */
import { randomBytes } from "node:crypto";
import { pino, type Logger } from "pino";
import type { Clock } from "../clock.js";
import type { ExecutorConfig } from "../config/executor-config.js";
import type { Executor } from "../executor/executor.js";
import type { Ledger } from "../executor/model.js";
import type { GitHubClient } from "../github/github-client.js";
import { runnerConfigUrl, runnerScopeOf } from "../github/runner-scope.js";
import { ActionsConnection, type Fetch } from "../scaleset/actions-connection.js";
import { ensureScaleSet, type DesiredScaleSet } from "../scaleset/scale-set-api.js";
import { scaleSetRunners } from "../scaleset/scale-set-runners.js";
import { createScaleSetMetrics } from "../scaleset/scaleset-metrics.js";
import { ScaleSetListener, type ScaleSetListenerStatus } from "../scaleset/scaleset-listener.js";

export interface ScaleSetJobSource {
  /** The GitHub client for the VM lifecycle: JIT configs from the scale set. */
  readonly github: GitHubClient;
  /** Starts listening; jobs go to `executor`. */
  start(executor: Executor): void;
  status(): ScaleSetListenerStatus | null;
  /** The executor's metrics plus the scale-set ones in `render()`. */
  withMetrics<M extends { render(): Promise<string> }>(metrics: M): M;
  /** Closes the message session (the scale set stays). */
  close(): Promise<void>;
}

export interface ScaleSetJobSourceDeps {
  readonly github: GitHubClient;
  readonly log?: Logger;
  readonly clock: Clock;
  readonly random: () => number;
  readonly fetch?: Fetch;
  readonly onSecret?: (secret: string) => void;
  readonly userAgent?: string;
  readonly staleQueuedMs?: number;
}

export function desiredScaleSet(config: ExecutorConfig): DesiredScaleSet {
  const s = config.github.scaleSet;
  return {
    name: s?.name ?? config.hostname,
    runnerGroup: s?.runnerGroup ?? "default",
    labels: s?.labels ?? config.runner.labels,
  };
}

export function actionsConnectionFor(config: ExecutorConfig, deps: ScaleSetJobSourceDeps): ActionsConnection {
  return new ActionsConnection({
    fetch: deps.fetch ?? fetch,
    clock: deps.clock,
    apiUrl: config.github.apiUrl,
    githubConfigUrl: runnerConfigUrl(config.github.apiUrl, runnerScopeOf(config.github)),
    registrationToken: (signal) => deps.github.createRegistrationToken(signal),
    ...(deps.onSecret === undefined ? {} : { onSecret: deps.onSecret }),
    ...(deps.userAgent === undefined ? {} : { userAgent: deps.userAgent }),
  });
}

/** VM slots neither a VM nor a job waiting for or running on one takes. */
export function freeSlots(ledger: Ledger, maxVms: number): number {
  let activeJobs = 0;
  for (const job of ledger.jobs.values())
    if ((job.status === "queued" && job.givenUp === null) || job.status === "in_progress") activeJobs += 1;
  return Math.max(0, maxVms - Math.max(ledger.vms.size, activeJobs));
}

/**
 * The webhook secret in scale-set mode: the configured one, or — when none is configured — a
 * random one, so the still-open webhook route rejects every delivery instead of trusting it.
 */
export function scaleSetWebhookSecret(config: ExecutorConfig): string | null {
  if (config.github.jobSource !== "scaleset") return config.github.webhookSecret ?? null;
  return config.github.webhookSecret ?? randomBytes(32).toString("hex");
}

export function scaleSetJobSource(
  config: ExecutorConfig,
  deps: ScaleSetJobSourceDeps,
): ScaleSetJobSource | null {
  if (config.github.jobSource !== "scaleset") return null;
  const connection = actionsConnectionFor(config, deps);
  const desired = desiredScaleSet(config);
  const log = deps.log ?? pino({ level: "silent" });
  let listener: ScaleSetListener | undefined;
  const metrics = createScaleSetMetrics(config.hostname);
  let scaleSetId: Promise<number> | undefined;
  const controller = new AbortController();
  let done: Promise<void> = Promise.resolve();
  const idOf = (signal?: AbortSignal): Promise<number> => {
    const known = listener?.scaleSet?.id;
    if (known !== undefined) return Promise.resolve(known);
    scaleSetId ??= ensureScaleSet(connection, desired, signal).then(
      (r) => r.scaleSet.id,
      (error: unknown) => {
        scaleSetId = undefined;
        throw error;
      },
    );
    return scaleSetId;
  };
  return {
    github: scaleSetRunners(deps.github, { connection, scaleSetId: idOf }),
    start: (executor) => {
      listener = new ScaleSetListener({
        connection,
        desired,
        owner: config.hostname,
        rules: {
          requiredLabels: config.runner.labels,
          aliases: config.tart.images.aliases,
          allow: config.tart.images.allow,
          defaultCpu: config.tart.defaultCpu ?? null,
          defaultMemoryMiB: config.tart.defaultMemory ?? null,
        },
        record: (deliveryId, job) => executor.recordJob(deliveryId, job),
        ledger: () => executor.ledger,
        giveUp: (job, reason) => executor.emit({ type: "job-given-up", at: deps.clock.now(), job, reason }),
        // As long as an idle runner may wait for its job (timeouts.jobStart).
        staleQueuedMs: deps.staleQueuedMs ?? config.timeouts.jobStartMs,
        freeSlots: () =>
          executor.accepting ? freeSlots(executor.ledger, config.tart.numberOfVirtualMachines) : 0,
        clock: deps.clock,
        random: deps.random,
        log: log.child({ component: "scaleset" }),
        onMessage: (type) => metrics.message(type),
        onAcquire: (latencyMs) => metrics.acquired(latencyMs),
        onSessionState: (state) => metrics.sessionState(state),
      });
      done = listener.run(controller.signal);
      log.info({ scaleSet: desired.name, labels: desired.labels }, "scale-set mode: listening for jobs");
    },
    status: () => listener?.status() ?? null,
    withMetrics: (base) =>
      Object.assign(Object.create(base) as typeof base, {
        render: async () => `${await base.render()}${await metrics.render()}`,
      }),
    close: async () => {
      controller.abort();
      await done;
    },
  };
}
