/**
 * The real `tart-executor` (or `tart-router`) CLI as a child process (`node bin/<daemon>.js …`),
 * for the end-to-end and reliability suites: its stdout/stderr split into lines, its JSON log
 * lines parsed, bounded waits for a log line, signals, stop/kill/crash. Every process started here
 * is remembered so `stopAllExecutors()` (in an afterEach/afterAll) never leaves one behind.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const EXECUTOR_BIN = path.join(PACKAGE_ROOT, "bin", "tart-executor.js");
/** The two daemons and the log line that says they listen. */
const DAEMONS = {
  "tart-executor": { listening: "tart-executor listening" },
  "tart-router": { listening: "tart-router listening" },
} as const;
export type DaemonName = keyof typeof DAEMONS;

/** One JSON log line of the executor (pino with string levels). */
export interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly time?: string;
  readonly [key: string]: unknown;
}

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ExecutorProcess {
  readonly pid: number;
  /** Where the executor listens, from its "tart-executor listening" log line. */
  readonly url: string;
  /** Everything written so far, one entry per line (live arrays). */
  readonly stdoutLines: readonly string[];
  readonly stderrLines: readonly string[];
  /** The raw stdout and stderr bytes so far, as text. */
  output(): string;
  /** The last `lines` lines of stdout and stderr (default 25), for failure messages. */
  tail(lines?: number): string;
  /** The JSON log lines of stdout so far (other lines are skipped). */
  logs(): LogLine[];
  /** Resolves with the first log line (already written or still to come) that satisfies `predicate`. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number, what?: string): Promise<LogLine>;
  readonly exited: Promise<ProcessExit>;
  /** Whether the process has not exited yet. */
  isRunning(): boolean;
  /** Sends `signal` to the process (if it still runs), without waiting. */
  signal(signal: NodeJS.Signals): void;
  /** Sends `signal` (SIGTERM by default) and waits for the exit; SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ProcessExit>;
  /** SIGKILL to it and the tart commands it has in flight, without waiting. */
  kill(): void;
  /**
   * A crash: SIGKILL to the process alone (the tart commands it started go on, orphaned, as
   * after a real crash), and waits for its exit.
   */
  crash(): Promise<ProcessExit>;
}

export interface StartExecutorOptions {
  readonly configPath?: string;
  /** Extra arguments after `--config <path>` (e.g. `--log-level trace`). */
  readonly args?: readonly string[];
  /** The child's whole environment is PATH and HOME plus this (nothing else leaks in from vitest). */
  readonly env?: Readonly<Record<string, string>>;
  /** Bound on the wait for the listening line (default 20 s). */
  readonly startTimeoutMs?: number;
  /** Which daemon to start (default tart-executor). */
  readonly daemon?: DaemonName;
}

const live = new Set<{ child: ChildProcess; exited: Promise<ProcessExit>; killGroup: () => void }>();

/** SIGKILL to the process group the executor leads (itself and its tart commands in flight). */
function killProcessGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // the group is gone already
  }
}

function assertBuilt(daemon: DaemonName): void {
  const builtCli = path.join(PACKAGE_ROOT, "dist", "cli", `${daemon}.js`);
  if (!existsSync(builtCli))
    throw new Error(`${builtCli} is missing: build first with \`npx tsc -p tsconfig.build.json\``);
}

function baseEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: process.env["HOME"] ?? "/tmp", ...extra };
}

function parseLogLine(line: string): LogLine | null {
  if (!line.startsWith("{")) return null;
  try {
    const parsed = JSON.parse(line) as unknown;
    return typeof parsed === "object" && parsed !== null && "msg" in parsed ? (parsed as LogLine) : null;
  } catch {
    return null;
  }
}

/** Spawns the CLI and collects its output; does not wait for anything. */
export function spawnExecutor(
  args: readonly string[],
  env?: Readonly<Record<string, string>>,
  daemon: DaemonName = "tart-executor",
): Omit<ExecutorProcess, "url"> {
  assertBuilt(daemon);
  // Its own process group, so that a kill also takes the tart commands it has in flight
  // (`tart run` puts each VM in a group of its own; the world powers those off).
  const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, "bin", `${daemon}.js`), ...args], {
    cwd: PACKAGE_ROOT,
    env: baseEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const killGroup = (): void => killProcessGroup(child);
  const stdoutLines: string[] = [];
  const stderrLines: string[] = [];
  const raw: string[] = [];
  const allLines: string[] = [];
  const parsed: LogLine[] = [];
  const waiters = new Set<{ predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void }>();
  const collect = (stream: NodeJS.ReadableStream, lines: string[], json: boolean): void => {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      raw.push(chunk);
      const parts = (partial + chunk).split("\n");
      partial = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        allLines.push(line);
        const log = json ? parseLogLine(line) : null;
        if (log === null) continue;
        parsed.push(log);
        for (const waiter of [...waiters]) {
          if (!waiter.predicate(log)) continue;
          waiters.delete(waiter);
          waiter.resolve(log);
        }
      }
    });
    stream.on("end", () => {
      if (partial !== "") lines.push(partial);
    });
  };
  collect(child.stdout, stdoutLines, true);
  collect(child.stderr, stderrLines, false);
  const exited = new Promise<ProcessExit>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  // Output may still be in the pipes when "exit" fires; "close" waits for it.
  const closed = new Promise<ProcessExit>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal })),
  );
  const entry = { child, exited: closed, killGroup };
  live.add(entry);
  void exited.then(() => live.delete(entry));

  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const tail = (count = 25): string => allLines.slice(-count).join("\n");
  const waitForLog = (
    predicate: (line: LogLine) => boolean,
    timeoutMs = 10_000,
    what = "a matching log line",
  ): Promise<LogLine> => {
    const found = parsed.find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<LogLine>((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: (line: LogLine) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; last log lines:\n${stdoutLines.slice(-15).join("\n")}\nstderr:\n${stderrLines.slice(-10).join("\n")}`,
          ),
        );
      }, timeoutMs);
      waiters.add(waiter);
    });
  };

  return {
    pid: child.pid ?? -1,
    stdoutLines,
    stderrLines,
    output: () => raw.join(""),
    tail,
    logs: () => [...parsed],
    waitForLog,
    exited: closed,
    isRunning: running,
    signal: (signal) => void (running() && child.kill(signal)),
    stop: async (signal = "SIGTERM", timeoutMs = 30_000) => {
      if (signal === "SIGKILL") killGroup();
      else if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(killGroup, timeoutMs);
      try {
        return await closed;
      } finally {
        clearTimeout(timer);
      }
    },
    kill: killGroup,
    crash: async () => {
      if (running()) child.kill("SIGKILL");
      return closed;
    },
  };
}

/** Starts the daemon and waits (bounded) until it logs its listening line. */
export async function startExecutorProcess(options: StartExecutorOptions = {}): Promise<ExecutorProcess> {
  const args = [
    ...(options.configPath === undefined ? [] : ["--config", options.configPath]),
    ...(options.args ?? []),
  ];
  const daemon = options.daemon ?? "tart-executor";
  const proc = spawnExecutor(args, options.env, daemon);
  const timeoutMs = options.startTimeoutMs ?? 20_000;
  const listening = proc.waitForLog(
    (line) => line.msg === DAEMONS[daemon].listening,
    timeoutMs,
    "the listening line",
  );
  const exitedEarly = proc.exited.then((exit) => {
    throw new Error(
      `${daemon} exited (${exit.code ?? exit.signal}) before listening:\n${proc.output().slice(-3000)}`,
    );
  });
  // Whichever loses the race must not become an unhandled rejection later.
  listening.catch(() => undefined);
  exitedEarly.catch(() => undefined);
  try {
    const line = await Promise.race([listening, exitedEarly]);
    return { ...proc, url: String(line["url"]) };
  } catch (error) {
    proc.kill();
    await proc.exited;
    throw error;
  }
}

/** Runs the CLI to completion (check-config, --version…), killed after `timeoutMs`. */
export async function runExecutorCli(
  args: readonly string[],
  options: { env?: Readonly<Record<string, string>>; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawnExecutor(args, options.env);
  const timer = setTimeout(() => proc.kill(), options.timeoutMs ?? 15_000);
  const exit = await proc.exited.finally(() => clearTimeout(timer));
  return { code: exit.code, stdout: proc.stdoutLines.join("\n"), stderr: proc.stderrLines.join("\n") };
}

/** SIGKILLs every executor process still running and waits for them (afterEach/afterAll). */
export async function stopAllExecutors(): Promise<void> {
  const entries = [...live];
  live.clear();
  for (const { child } of entries)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await Promise.all(entries.map((entry) => entry.exited));
}
