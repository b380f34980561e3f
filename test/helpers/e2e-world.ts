/**
 * The one test world, on top of startSimWorld, for the end-to-end and reliability suites: the
 * simulated Mac's tart invocation log, direct `tart` calls that stay out of the executor's view
 * of that log, config files, the real executor processes, signed webhook posts, leftovers checks,
 * held ports and a bounded polling wait. close() leaves no process or file behind.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { afterEach, type TestContext } from "vitest";
import { signWebhookBody } from "../../src/github/webhook-signature.js";
import type { EnqueueJobOptions, JobHandle } from "../../src/sim/github/dispatcher.js";
import {
  SIM_ORG,
  simTartExecutable,
  startSimWorld,
  type SimWorld,
  type SimWorldOptions,
} from "../../src/sim/world/sim-world.js";
import { startExecutorProcess, type ExecutorProcess, type StartExecutorOptions } from "./executor-process.js";
import { killGuestProcesses } from "./kill-guest-processes.js";

export { IMAGE_WITH_RUNNER, IMAGE_WITHOUT_RUNNER, SIM_ORG } from "../../src/sim/world/sim-world.js";

/** The repository every test job belongs to (the App's installation covers the whole org). */
export const REPO = `${SIM_ORG}/app`;
/** Marks tart invocations made by the tests themselves, so they can be told apart from the executor's. */
const TEST_CALLER_ENV = "TART_E2E_CALLER";

/** One line of `<simDir>/invocations.jsonl`. */
export interface InvocationLine {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly pid: number;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly exitCode: number | null;
  readonly signal?: string;
}

/** One tart invocation (a `run`'s start and end lines merged), with times in epoch ms. */
export interface TartCommand {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly pid: number;
  readonly startMs: number;
  /** null while it runs. */
  readonly endMs: number | null;
  readonly exitCode: number | null;
  /** The signal that ended it, if one did. */
  readonly signal: string | null;
  /** Whether the test itself ran it (not the executor). */
  readonly byTest: boolean;
}

export interface LocalVm {
  readonly Name: string;
  readonly State: string;
  readonly Source: string;
}

export interface E2eWorld extends SimWorld {
  /** Default state directory of executor 0. */
  readonly stateDir: string;
  invocationLines(): InvocationLine[];
  /** The executor's tart invocations, in start order. */
  commands(): TartCommand[];
  /** Runs the simulated tart directly (as a user would), outside the executor's view. */
  tart(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /**
   * `tart pull <image>` by the test: warms the image cache as an operator would. Two first clones
   * of an uncached image at the same moment race in the simulated tart (reported), so tests that
   * start two VMs at once pull first.
   */
  prePull(image: string): Promise<void>;
  /** Starts `tart run <name> --no-graphics` detached (a VM left running); world.close() powers it off. */
  tartRunDetached(name: string): void;
  /** `tart list --source local --format json`. */
  localVms(): Promise<LocalVm[]>;
  /** Writes tart-executor.yaml for executor 0: the world's settings deep-merged with `overrides`. */
  config(overrides?: Record<string, unknown>): string;
  /** Writes a config and starts the real executor process with it (HOME = the world's root). */
  startExecutor(
    overrides?: Record<string, unknown>,
    options?: Omit<StartExecutorOptions, "configPath">,
  ): Promise<ExecutorProcess>;
  /** Starts the real executor process with a config file written already (HOME = the world's root). */
  startExecutorFrom(
    configPath: string,
    options?: Omit<StartExecutorOptions, "configPath">,
  ): Promise<ExecutorProcess>;
  /** Queues a job in `acme/app` at the fake GitHub (which sends its webhook). */
  queue(labels: readonly string[], options?: Partial<EnqueueJobOptions>): JobHandle;
  /** Every file under `dir` (recursively), for secret scans. */
  filesUnder(dir: string): string[];
  /** The executors' last log lines and tart's commands, for a failed test's report. */
  diagnostics(): string;
}

export async function startE2eWorld(options: SimWorldOptions = {}): Promise<E2eWorld> {
  const world = await startSimWorld(options);
  const executors: ExecutorProcess[] = [];
  const stateDir = path.join(world.root, "executor-1");
  const invocationLines = (): InvocationLine[] => {
    const file = path.join(world.simDir, "invocations.jsonl");
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
  const testTartEnv = (): Record<string, string> => ({
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: world.root,
    TART_HOME: world.tartHome,
    [TEST_CALLER_ENV]: "1",
  });
  const tart = (args: readonly string[]) => runProcess(simTartExecutable, args, testTartEnv());
  const config = (overrides: Record<string, unknown> = {}): string => world.writeExecutorConfig(0, overrides);
  const startExecutorFrom = async (
    configPath: string,
    startOptions: Omit<StartExecutorOptions, "configPath"> = {},
  ): Promise<ExecutorProcess> => {
    const executor = await startExecutorProcess({
      ...startOptions,
      configPath,
      env: { HOME: world.root, ...startOptions.env },
    });
    executors.push(executor);
    return executor;
  };
  return {
    ...world,
    stateDir,
    invocationLines,
    commands: () => mergeInvocations(invocationLines()).filter((command) => !command.byTest),
    tart,
    async prePull(image) {
      const pulled = await tart(["pull", image]);
      if (pulled.code !== 0) throw new Error(`tart pull ${image} failed: ${pulled.stderr}`);
    },
    tartRunDetached(name) {
      const log = openSync(path.join(world.root, `${name}.run.log`), "a");
      const child = spawn(simTartExecutable, ["run", name, "--no-graphics"], {
        env: testTartEnv(),
        detached: true,
        stdio: ["ignore", log, log],
      });
      child.unref();
      closeSync(log);
    },
    async localVms() {
      // Like the real tart, `tart list` fails when a VM is deleted while it reads that VM's files
      // (the executor may be deleting one right now): ask again.
      for (let attempt = 1; ; attempt += 1) {
        const result = await tart(["list", "--source", "local", "--format", "json"]);
        if (result.code === 0) return JSON.parse(result.stdout.trim() || "[]") as LocalVm[];
        if (attempt >= 5 || !/no such file/i.test(result.stderr))
          throw new Error(`tart list failed: ${result.stderr}`);
        await sleep(100);
      }
    },
    config,
    startExecutor: (overrides = {}, startOptions = {}) => startExecutorFrom(config(overrides), startOptions),
    startExecutorFrom,
    queue: (labels, jobOptions = {}) =>
      world.github.dispatcher.enqueueJob({ repo: REPO, labels, durationMs: 300, ...jobOptions }),
    filesUnder,
    diagnostics() {
      const logs = executors.map(
        (executor, index) =>
          `executor ${index + 1} (pid ${executor.pid}):\n${executor.stdoutLines.slice(-60).join("\n")}\n${executor.stderrLines.slice(-20).join("\n")}`,
      );
      const commands = mergeInvocations(invocationLines()).map(
        (c) => `${new Date(c.startMs).toISOString()} tart ${c.argv.join(" ")} -> ${c.exitCode ?? "running"}`,
      );
      return [...logs, `tart commands:\n${commands.join("\n")}`].join("\n\n");
    },
    async close() {
      await Promise.all(executors.map((executor) => executor.stop("SIGKILL", 5_000)));
      await world.close();
      // world.close() SIGKILLs the VMs' `tart run` processes, which leaves the processes their
      // guests started (runner, log followers) behind: end those too.
      await killGuestProcesses(world.tartHome);
      // A guest process powered off a moment ago may still write its last line; remove what it made.
      for (let check = 0; check < 3; check += 1) {
        await sleep(200);
        if (existsSync(world.root)) rmSync(world.root, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A world for one test only, closed (executors killed, VMs powered off, files removed) when that
 * test finishes, with diagnostics printed if it failed. Takes the test's own context, so it is
 * safe in concurrent tests.
 */
export async function useE2eWorld(context: TestContext, options: SimWorldOptions = {}): Promise<E2eWorld> {
  const world = await startE2eWorld(options);
  context.onTestFinished(async () => {
    if (context.task.result?.state === "fail")
      console.error(`--- e2e diagnostics: ${context.task.name} ---\n${world.diagnostics()}`);
    await world.close();
  });
  return world;
}

/** For files that share one world: prints its diagnostics after each failed test. */
export function diagnoseFailures(world: () => E2eWorld | undefined): void {
  afterEach((context) => {
    const current = world();
    if (context.task.result?.state === "fail" && current !== undefined)
      console.error(`--- e2e diagnostics: ${context.task.name} ---\n${current.diagnostics()}`);
  });
}

/** Names of the VMs the executor cloned, in order. */
export function clonedVms(world: E2eWorld): string[] {
  return world.commands().flatMap((command) => (command.argv[0] === "clone" ? [command.argv[2] ?? ""] : []));
}

/** What an executor left behind: its VMs in `tart list` and runner registrations at GitHub. */
export async function leftovers(world: E2eWorld): Promise<{ vms: string[]; runners: string[] }> {
  return {
    vms: (await world.localVms()).map((vm) => vm.Name).filter((name) => name.startsWith("tart-executor-")),
    runners: world.github.runners().map((runner) => runner.name),
  };
}

/** Waits (bounded) until the executor has logged `count` "vm deleted" lines. */
export async function waitForVmsDeleted(
  executor: ExecutorProcess,
  count: number,
  timeoutMs = 20_000,
): Promise<void> {
  await waitFor(
    () => executor.logs().filter((line) => line.msg === "vm deleted").length >= count,
    timeoutMs,
    `${count} "vm deleted" log lines`,
  );
}

/** Merges `tart run`'s start line with its end line and sorts by start time. */
export function mergeInvocations(lines: readonly InvocationLine[]): TartCommand[] {
  const byKey = new Map<string, TartCommand>();
  for (const line of lines) {
    const key = `${line.pid}@${line.startedAt}`;
    const previous = byKey.get(key);
    const command: TartCommand = {
      argv: line.argv,
      env: line.env,
      pid: line.pid,
      startMs: Date.parse(line.startedAt),
      endMs: line.endedAt === null ? (previous?.endMs ?? null) : Date.parse(line.endedAt),
      exitCode: line.endedAt === null ? (previous?.exitCode ?? null) : line.exitCode,
      signal: line.endedAt === null ? (previous?.signal ?? null) : (line.signal ?? null),
      byTest: line.env[TEST_CALLER_ENV] !== undefined,
    };
    byKey.set(key, command);
  }
  return [...byKey.values()].sort((a, b) => a.startMs - b.startMs);
}

/**
 * Commands in the order they were spawned. Start times are taken inside each tart process, so
 * two commands spawned a few milliseconds apart (`run`, then `ip`) may log them the other way
 * round; within such a near-tie, process ids (handed out in spawn order) decide.
 */
export function inSpawnOrder(commands: readonly TartCommand[], tieMs = 150): TartCommand[] {
  const sorted = [...commands].sort((a, b) => a.startMs - b.startMs);
  for (let i = 1; i < sorted.length; i += 1) {
    for (let j = i; j > 0; j -= 1) {
      const before = sorted[j - 1] as TartCommand;
      const after = sorted[j] as TartCommand;
      if (after.startMs - before.startMs > tieMs || after.pid > before.pid) break;
      sorted[j - 1] = after;
      sorted[j] = before;
    }
  }
  return sorted;
}

/** A VM's life as tart saw it: from its `clone` to the end of its `delete` (null while it exists). */
export interface VmLifetime {
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number | null;
}

export function vmLifetimes(commands: readonly TartCommand[]): VmLifetime[] {
  const lives = new Map<string, { startMs: number; endMs: number | null }>();
  for (const command of commands) {
    const [verb, first, second] = command.argv;
    if (verb === "clone" && second !== undefined && !lives.has(second))
      lives.set(second, { startMs: command.startMs, endMs: null });
    if (verb === "delete" && first !== undefined && command.exitCode === 0) {
      const life = lives.get(first);
      if (life !== undefined) life.endMs = command.endMs;
    }
  }
  return [...lives].map(([name, life]) => ({ name, ...life }));
}

/** The most VMs that existed at the same moment. */
export function maxConcurrentVms(lifetimes: readonly VmLifetime[]): number {
  const points = lifetimes.flatMap((life) => [
    { at: life.startMs, delta: 1 },
    { at: life.endMs ?? Number.POSITIVE_INFINITY, delta: -1 },
  ]);
  // At equal times, ends before starts: a VM deleted at t does not overlap one cloned at t.
  points.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let max = 0;
  for (const point of points) {
    current += point.delta;
    max = Math.max(max, current);
  }
  return max;
}

/** Polls `probe` (every 50 ms) until it returns a truthy value; rejects after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
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

/** `patch` merged into `base`: plain objects key by key, everything else replaced. */
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

export interface SendOptions {
  /** Signs with this secret; `null` sends no signature header. */
  readonly secret: string | null;
  /** The exact body bytes (default: JSON of the payload). */
  readonly body?: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
  /** Headers GitHub always sends that this delivery leaves out (lower-case names). */
  readonly omit?: readonly string[];
  readonly deliveryId?: string;
}

/** POSTs a webhook the way GitHub does (event, delivery GUID, HMAC signature of the exact bytes). */
export async function sendSigned(
  url: string,
  event: string,
  payload: unknown,
  options: SendOptions,
): Promise<{ status: number; body: unknown }> {
  const body = options.body ?? JSON.stringify(payload);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/e2e",
    "x-github-event": event,
    "x-github-delivery": options.deliveryId ?? randomUUID(),
    ...(options.secret === null ? {} : { "x-hub-signature-256": signWebhookBody(options.secret, body) }),
    ...options.headers,
  };
  for (const name of options.omit ?? []) delete headers[name];
  const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed };
}

/** GET with a timeout; the text of the answer. */
export async function get(url: string): Promise<{ status: number; text: string; contentType: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return {
    status: response.status,
    text: await response.text(),
    contentType: response.headers.get("content-type") ?? "",
  };
}

export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    let stats;
    try {
      stats = statSync(full);
    } catch {
      continue; // removed meanwhile
    }
    if (stats.isDirectory()) out.push(...filesUnder(full));
    else if (stats.isFile()) out.push(full);
  }
  return out;
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
