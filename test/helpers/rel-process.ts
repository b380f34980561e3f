/**
 * The real `tart-executor` CLI as a child process, for the reliability suite (a trimmed copy of
 * executor-process.ts, kept separate so the suite does not move when that helper does): JSON log
 * lines parsed as they come, bounded waits for a line, SIGTERM/SIGKILL, and a registry of every
 * process started so `killAllExecutors()` in an afterEach/afterAll never leaves one behind.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The two daemons: their bin script, built CLI and the log line that says they listen. */
const DAEMONS = {
  "tart-executor": { listening: "tart-executor listening" },
  "tart-router": { listening: "tart-router listening" },
} as const;
export type DaemonName = keyof typeof DAEMONS;

/** One JSON log line (pino with string levels). */
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
  /** From the "tart-executor listening" line. */
  readonly url: string;
  logs(): LogLine[];
  /** Raw stdout+stderr so far (for failure messages). */
  tail(lines?: number): string;
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs: number, what?: string): Promise<LogLine>;
  readonly exited: Promise<ProcessExit>;
  isRunning(): boolean;
  signal(signal: NodeJS.Signals): void;
  /** Sends `signal` and waits for the exit (SIGKILL after `timeoutMs`). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ProcessExit>;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<ProcessExit>;
}

const live = new Set<{ child: ChildProcess; closed: Promise<ProcessExit> }>();

function parseLogLine(line: string): LogLine | null {
  if (!line.startsWith("{")) return null;
  try {
    const parsed = JSON.parse(line) as unknown;
    return typeof parsed === "object" && parsed !== null && "msg" in parsed ? (parsed as LogLine) : null;
  } catch {
    return null;
  }
}

/** Starts `tart-executor --config <file>` (or tart-router) and waits (bounded) for its listening line. */
export async function startExecutorProcess(options: {
  configPath: string;
  env: Readonly<Record<string, string>>;
  startTimeoutMs?: number;
  daemon?: DaemonName;
}): Promise<ExecutorProcess> {
  const daemon = options.daemon ?? "tart-executor";
  const builtCli = path.join(PACKAGE_ROOT, "dist", "cli", `${daemon}.js`);
  if (!existsSync(builtCli))
    throw new Error(`${builtCli} is missing: build first with \`npx tsc -p tsconfig.build.json\``);
  const child = spawn(
    process.execPath,
    [path.join(PACKAGE_ROOT, "bin", `${daemon}.js`), "--config", options.configPath],
    {
      cwd: PACKAGE_ROOT,
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const raw: string[] = [];
  const parsed: LogLine[] = [];
  const waiters = new Set<{ predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void }>();
  const collect = (stream: NodeJS.ReadableStream, json: boolean): void => {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop() ?? "";
      for (const line of parts) {
        raw.push(line);
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
  };
  collect(child.stdout, true);
  collect(child.stderr, false);
  const closed = new Promise<ProcessExit>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal })),
  );
  const entry = { child, closed };
  live.add(entry);
  void closed.then(() => live.delete(entry));
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const tail = (lines = 25): string => raw.slice(-lines).join("\n");

  const waitForLog = (
    predicate: (line: LogLine) => boolean,
    timeoutMs: number,
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
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last output:\n${tail()}`));
      }, timeoutMs);
      waiters.add(waiter);
    });
  };

  const stop = async (signal: NodeJS.Signals = "SIGTERM", timeoutMs = 30_000): Promise<ProcessExit> => {
    if (running()) child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    try {
      return await closed;
    } finally {
      clearTimeout(timer);
    }
  };

  const base = {
    pid: child.pid ?? -1,
    logs: () => [...parsed],
    tail,
    waitForLog,
    exited: closed,
    isRunning: running,
    signal: (signal: NodeJS.Signals) => void (running() && child.kill(signal)),
    stop,
    kill: () => stop("SIGKILL", 0),
  };
  const listening = waitForLog(
    (line) => line.msg === DAEMONS[daemon].listening,
    options.startTimeoutMs ?? 30_000,
    "the listening line",
  );
  const early = closed.then((exit) => {
    throw new Error(`${daemon} exited (${exit.code ?? exit.signal}) before listening:\n${tail(40)}`);
  });
  listening.catch(() => undefined);
  early.catch(() => undefined);
  try {
    const line = await Promise.race([listening, early]);
    return { ...base, url: String(line["url"]) };
  } catch (error) {
    child.kill("SIGKILL");
    await closed;
    throw error;
  }
}

/** SIGKILLs every executor process still running and waits for them. */
export async function killAllExecutors(): Promise<void> {
  const entries = [...live];
  for (const { child } of entries)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await Promise.all(entries.map((entry) => entry.closed));
}
