/**
 * The reliability suite's world: a simulated Mac and fake GitHub (startSimWorld), optionally a
 * proxy in front of the fake GitHub, the real `tart-executor` process with short deadlines, and
 * the checks every fault scenario ends with — served or cleanly given up, then zero VMs and zero
 * runner registrations.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { EnqueueJobOptions, JobHandle } from "../../src/sim/github/dispatcher.js";
import type { JobView } from "../../src/sim/github/job-view.js";
import type { SimConfig } from "../../src/sim/sim-config.js";
import {
  IMAGE_WITH_RUNNER,
  SIM_ORG,
  simTartExecutable,
  startSimWorld,
  type SimWorld,
  type SimWorldOptions,
} from "../../src/sim/world/sim-world.js";
import { startGitHubProxy, type GitHubProxy } from "./e2e-github-proxy.js";
import { startExecutorProcess, type ExecutorProcess, type LogLine } from "./executor-process.js";

export { IMAGE_WITH_RUNNER, IMAGE_WITHOUT_RUNNER } from "../../src/sim/world/sim-world.js";

export const REPO = `${SIM_ORG}/app`;
/** runs-on labels of a job this executor serves. */
export const MATCHING = ["tartelet", IMAGE_WITH_RUNNER] as const;
/** Marks tart invocations made by the test itself. */
const TEST_CALLER_ENV = "TART_REL_CALLER";

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

export interface InvocationLine {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly pid: number;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly exitCode: number | null;
  readonly signal?: string;
}

export interface TartCommand {
  readonly argv: readonly string[];
  readonly pid: number;
  readonly startMs: number;
  readonly endMs: number | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly byTest: boolean;
}

export interface RelWorldOptions extends SimWorldOptions {
  /** Put a proxy between the executor and the fake GitHub. */
  readonly proxy?: boolean;
}

export interface CleanEnd {
  readonly vms: readonly string[];
  readonly runners: readonly string[];
}

export interface RelWorld {
  readonly sim: SimWorld;
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
  const sim = await startSimWorld(options);
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
  const testTartEnv = (): Record<string, string> => ({
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: sim.root,
    TART_HOME: sim.tartHome,
    [TEST_CALLER_ENV]: "1",
  });
  const tart = (args: readonly string[]) => runProcess(simTartExecutable, args, testTartEnv());
  const invocations = (): InvocationLine[] => {
    const file = path.join(sim.simDir, "invocations.jsonl");
    if (!existsSync(file)) return [];
    return readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as InvocationLine];
        } catch {
          return []; // a line being written right now
        }
      });
  };
  const start = async (index = 0): Promise<ExecutorProcess> => {
    const configPath = configPaths.get(index);
    if (configPath === undefined) throw new Error(`no config written yet for executor ${index}`);
    const port = sim.executorPorts[index];
    if (port !== undefined) {
      await held.get(port)?.release();
      held.delete(port);
    }
    const executor = await startExecutorProcess({
      configPath,
      env: { HOME: sim.root },
      startTimeoutMs: 30_000,
    });
    executors.push(executor);
    byIndex.set(index, executor);
    return executor;
  };
  const current = (): ExecutorProcess => {
    const executor = executors.at(-1);
    if (executor === undefined) throw new Error("no executor started");
    return executor;
  };
  const vmNames = async (): Promise<string[]> => {
    // Like the real tart, `tart list` fails when a VM is deleted while it reads that VM's files
    // (the executor may be deleting one right now): ask again.
    for (let attempt = 1; ; attempt += 1) {
      const result = await tart(["list", "--source", "local", "--format", "json"]);
      if (result.code === 0)
        return (JSON.parse(result.stdout.trim() || "[]") as Array<{ Name: string }>).map((vm) => vm.Name);
      if (attempt >= 5 || !/no such file/i.test(result.stderr))
        throw new Error(`tart list failed: ${result.stderr}`);
      await sleep(100);
    }
  };
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
      const file = path.join(sim.root, "executor-1", "ledger", "ledger.journal.jsonl");
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
    invocations,
    commands: () => mergeInvocations(invocations()).filter((command) => !command.byTest),
    tart,
    tartRunDetached(name) {
      const child = spawn(simTartExecutable, ["run", name, "--no-graphics"], {
        env: testTartEnv(),
        detached: true,
        stdio: "ignore",
      });
      child.unref();
    },
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
      await Promise.all(executors.map((executor) => executor.stop("SIGKILL", 5_000)));
      await proxy?.close();
      await sim.close();
      // sim.close() SIGKILLs the VMs' `tart run` processes, which leaves the processes their
      // guests started (runner, log followers) behind: end those too.
      await killGuestProcesses(sim.tartHome);
    },
  };
  return world;
}

export interface PortHold {
  release(): Promise<void>;
}

/** Binds 127.0.0.1:`port` until released; null when it is taken already. */
export function holdPort(port: number): Promise<PortHold | null> {
  return new Promise((resolve) => {
    // Connections are cut at once, as when nothing listens (a delivery fails fast, not by timeout).
    const server = createServer((socket) => socket.destroy());
    server.once("error", () => resolve(null));
    server.listen(port, "127.0.0.1", () =>
      resolve({ release: () => new Promise<void>((done) => server.close(() => done())) }),
    );
  });
}

/**
 * SIGKILLs every process a simulated guest of this TART_HOME started (their environment names the
 * VM's directory), rescanning until none is left (bounded). Linux /proc only; elsewhere a no-op.
 */
export async function killGuestProcesses(tartHome: string): Promise<number> {
  if (!existsSync("/proc")) return 0;
  const needle = Buffer.from(`TART_SIM_VM_DIR=${path.join(tartHome, "vms")}/`);
  let killed = 0;
  for (let round = 0; round < 20; round += 1) {
    const pids = readdirSync("/proc")
      .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
      .filter((name) => {
        try {
          return readFileSync(`/proc/${name}/environ`).includes(needle);
        } catch {
          return false;
        }
      })
      .map(Number);
    if (pids.length === 0) return killed;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
        killed += 1;
      } catch {
        // gone meanwhile
      }
    }
    await sleep(20);
  }
  return killed;
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

export function mergeInvocations(lines: readonly InvocationLine[]): TartCommand[] {
  const byKey = new Map<string, TartCommand>();
  for (const line of lines) {
    const key = `${line.pid}@${line.startedAt}`;
    const previous = byKey.get(key);
    byKey.set(key, {
      argv: line.argv,
      pid: line.pid,
      startMs: Date.parse(line.startedAt),
      endMs: line.endedAt === null ? (previous?.endMs ?? null) : Date.parse(line.endedAt),
      exitCode: line.endedAt === null ? (previous?.exitCode ?? null) : line.exitCode,
      signal: line.endedAt === null ? (previous?.signal ?? null) : (line.signal ?? null),
      byTest: line.env[TEST_CALLER_ENV] !== undefined,
    });
  }
  return [...byKey.values()].sort((a, b) => a.startMs - b.startMs);
}

/** Names of the VMs the executor cloned, in order. */
export function clonedVms(commands: readonly TartCommand[]): string[] {
  return commands.filter((command) => command.argv[0] === "clone").map((command) => command.argv[2] ?? "");
}

/** Polls `probe` every 50 ms until it returns a truthy value; rejects after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs: number,
  what = "a condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError === undefined ? "" : `: ${String(lastError)}`}`,
      );
    await sleep(50);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function deepMerge(
  base: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = result[key];
    result[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function runProcess(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
