/**
 * The reliability suite's view of the one test world (e2e-world.ts): the suite's short deadlines,
 * optionally the GitHub proxy in front of the fake GitHub, executors by index (restarted with the
 * same config and state), the ledger journal, and the checks every fault scenario ends with —
 * served or cleanly given up, then zero VMs and zero runner registrations.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { EnqueueJobOptions, JobHandle } from "../../src/sim/github/dispatcher.js";
import type { JobView } from "../../src/sim/github/job-view.js";
import type { SimConfig } from "../../src/sim/sim-config.js";
import { IMAGE_WITH_RUNNER, type SimWorldOptions } from "../../src/sim/world/sim-world.js";
import {
  deepMerge,
  REPO,
  sleep,
  startE2eWorld,
  waitFor,
  type E2eWorld,
  type InvocationLine,
  type TartCommand,
} from "./e2e-world.js";
import { startGitHubProxy, type GitHubProxy } from "./e2e-github-proxy.js";
import { holdPort, type PortHold } from "./hold-port.js";
import type { ExecutorProcess, LogLine } from "./executor-process.js";

/** runs-on labels of a job this executor serves. */
export const MATCHING = ["tartelet", IMAGE_WITH_RUNNER] as const;

/**
 * The executor settings of the suite: short deadlines so a scenario ends in seconds, two attempts
 * per job with a short backoff. Scenarios override what they exercise.
 */
export const RELIABILITY_CONFIG = {
  logging: { level: "debug" },
  timeouts: {
    pull: 8,
    clone: 8,
    boot: 10,
    runnerOnline: 10,
    jobStart: 30,
    jobMax: 120,
    idle: 5,
    teardown: 20,
    drain: 10,
  },
  retries: { maxAttempts: 2, backoffSeconds: 0.2 },
} as const;

export interface RelWorldOptions extends SimWorldOptions {
  /** Put a proxy between the executor and the fake GitHub. */
  readonly proxy?: boolean;
}

export interface CleanEnd {
  readonly vms: readonly string[];
  readonly runners: readonly string[];
}

export interface RelWorld {
  readonly sim: E2eWorld;
  readonly proxy: GitHubProxy | null;
  /** The executor started last (throws before the first start). */
  readonly executor: ExecutorProcess;
  /** Every executor process of this world, in start order. */
  readonly executors: readonly ExecutorProcess[];
  /** Writes the config (suite defaults + `overrides`) and starts the executor. */
  startExecutor(overrides?: Record<string, unknown>, index?: number): Promise<ExecutorProcess>;
  /** Starts the executor again with the same config file and state directory. */
  restartExecutor(index?: number): Promise<ExecutorProcess>;
  /** The process started last for executor `index` (hostname mini-<index+1>). */
  executorAt(index: number): ExecutorProcess;
  /** Log lines of every executor process of this world. */
  allLogs(): LogLine[];
  /** Queues a job at the fake GitHub (which sends its webhook); matching labels by default. */
  queue(labels?: readonly string[], options?: Partial<EnqueueJobOptions>): JobHandle;
  /** Rewrites the simulation's faults (replacing all of them). */
  setSimFaults(faults: SimConfig["faults"]): void;
  /** The executor's ledger journal (events since its last start or compaction). */
  journal(): Array<{ type: string; vm?: string; phase?: string; [key: string]: unknown }>;
  /** Waits until the journal shows a VM entering `phase`; returns the VM's name. */
  waitForPhase(phase: string, timeoutMs?: number): Promise<string>;
  /** How often each sim fault with `times` has fired. */
  simFaultsFired(): Record<string, number>;
  invocations(): InvocationLine[];
  /** The executor's tart invocations (a `run`'s start and end merged), in start order. */
  commands(): TartCommand[];
  tart(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Starts `tart run <name>` detached, as a user would (killed by close()). */
  tartRunDetached(name: string): void;
  /** Names of the VMs `tart list` shows. */
  vmNames(): Promise<string[]>;
  /** Names of the runner registrations at the fake GitHub. */
  runnerNames(): string[];
  /** Waits (bounded) for zero VMs and zero runners; returns what is left at the end of the wait. */
  cleanEnd(timeoutMs?: number): Promise<CleanEnd>;
  /** The executor's /metrics value for a series, or null when it is absent. */
  metric(name: string, labels?: Record<string, string>): Promise<number | null>;
  /** Waits for the job to complete at the fake GitHub. */
  served(job: JobHandle, timeoutMs?: number): Promise<JobView>;
  /** Waits for the executor's "giving up on job" line for this job. */
  givenUp(job: JobHandle, timeoutMs?: number): Promise<LogLine>;
  close(): Promise<void>;
}

export async function startRelWorld(options: RelWorldOptions = {}): Promise<RelWorld> {
  const sim = await startE2eWorld(options);
  // The executors' ports were free when the world chose them; keep them taken until each
  // executor starts, so that nothing else (other worlds, other test runs) binds them meanwhile.
  const held = new Map<number, PortHold>();
  for (const port of sim.executorPorts) {
    const hold = await holdPort(port);
    if (hold !== null) held.set(port, hold);
  }
  const proxy = options.proxy === true ? await startGitHubProxy(sim.github.url) : null;
  const executors: ExecutorProcess[] = [];
  const configPaths = new Map<number, string>();
  const byIndex = new Map<number, ExecutorProcess>();
  const start = async (index = 0): Promise<ExecutorProcess> => {
    const configPath = configPaths.get(index);
    if (configPath === undefined) throw new Error(`no config written yet for executor ${index}`);
    const port = sim.executorPorts[index];
    if (port !== undefined) {
      await held.get(port)?.release();
      held.delete(port);
    }
    const executor = await sim.startExecutorFrom(configPath, { startTimeoutMs: 30_000 });
    executors.push(executor);
    byIndex.set(index, executor);
    return executor;
  };
  const current = (): ExecutorProcess => {
    const executor = executors.at(-1);
    if (executor === undefined) throw new Error("no executor started");
    return executor;
  };
  const vmNames = async (): Promise<string[]> => (await sim.localVms()).map((vm) => vm.Name);
  const runnerNames = (): string[] => sim.github.runners().map((runner) => runner.name);
  const world: RelWorld = {
    sim,
    proxy,
    get executor() {
      return current();
    },
    executors,
    async startExecutor(overrides = {}, index = 0) {
      const merged = deepMerge(
        deepMerge(RELIABILITY_CONFIG as unknown as Record<string, unknown>, overrides),
        proxy === null ? {} : { github: { apiUrl: proxy.apiUrl } },
      );
      configPaths.set(index, sim.writeExecutorConfig(index, merged));
      return start(index);
    },
    restartExecutor: (index = 0) => start(index),
    executorAt(index) {
      const executor = byIndex.get(index);
      if (executor === undefined) throw new Error(`executor ${index} was never started`);
      return executor;
    },
    allLogs: () => executors.flatMap((executor) => executor.logs()),
    queue: (labels = MATCHING, jobOptions = {}) =>
      sim.github.dispatcher.enqueueJob({ repo: REPO, labels, durationMs: 300, ...jobOptions }),
    setSimFaults: (faults) => sim.updateSim({ faults }),
    journal() {
      const file = path.join(sim.stateDir, "ledger", "ledger.journal.jsonl");
      if (!existsSync(file)) return [];
      return readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line.trim() !== "")
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as { type: string; vm?: string; phase?: string }];
          } catch {
            return [];
          }
        });
    },
    waitForPhase: (phase, timeoutMs = 30_000) =>
      waitFor(
        () =>
          world
            .journal()
            .find((event) =>
              phase === "cloning"
                ? event.type === "vm-started"
                : event.type === "vm-phase" && event.phase === phase,
            )?.vm,
        timeoutMs,
        `a VM in phase ${phase}`,
      ),
    simFaultsFired() {
      const file = path.join(sim.simDir, "faults-used.json");
      return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, number>) : {};
    },
    invocations: () => sim.invocationLines(),
    commands: () => sim.commands(),
    tart: (args) => sim.tart(args),
    tartRunDetached: (name) => sim.tartRunDetached(name),
    vmNames,
    runnerNames,
    async cleanEnd(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const vms = await vmNames();
        const runners = runnerNames();
        if ((vms.length === 0 && runners.length === 0) || Date.now() > deadline) return { vms, runners };
        await sleep(200);
      }
    },
    async metric(name, labels = {}) {
      const response = await fetch(`${current().url}/metrics`, { signal: AbortSignal.timeout(5_000) });
      return metricValue(await response.text(), name, labels);
    },
    served: (job, timeoutMs = 40_000) => job.settled(timeoutMs),
    givenUp: (job, timeoutMs = 40_000) =>
      waitFor(
        () => world.allLogs().find((line) => isGiveUpOf(line, job)),
        timeoutMs,
        `the executor to give up on job ${job.id}`,
      ),
    async close() {
      for (const hold of held.values()) await hold.release();
      await proxy?.close();
      await sim.close();
    },
  };
  return world;
}

/** Whether a log line is the executor's give-up line for `job`. */
export function isGiveUpOf(line: LogLine, job: { id: number }): boolean {
  return line.msg === "giving up on job" && String(line["job"]).includes(`#${job.id}#`);
}

/** Reads one series from Prometheus text; null when absent. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = /\{(.*)\}/.exec(line)?.[1] ?? "";
    const ok = Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`));
    if (ok) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return null;
}
