/**
 * Runs one driver invocation as gitlab-runner does (executors/custom/command/command.go,
 * helpers/process): its own process group, the runner's environment plus the job's, output to
 * the job log; when the deadline passes or the job is cancelled, SIGTERM to the group, then
 * SIGKILL after the graceful kill timeout.
 */
import { spawn } from "node:child_process";

export interface StageProcessOptions {
  readonly executable: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly deadlineMs: number;
  readonly gracefulKillMs: number;
  readonly forceKillMs: number;
  readonly onStdout: (text: string) => void;
  readonly onStderr: (text: string) => void;
  readonly cancel?: AbortSignal;
}

export interface StageProcessResult {
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** What the stand-in had to do to stop it. */
  readonly stopped: "none" | "sigterm" | "sigkill" | "abandoned";
}

export function runStageProcess(options: StageProcessOptions): Promise<StageProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(options.executable, [...options.args], {
      cwd: options.cwd,
      env: { ...options.env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stopped: StageProcessResult["stopped"] = "none";
    const timers: NodeJS.Timeout[] = [];
    const signalGroup = (signal: NodeJS.Signals): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const terminate = (): void => {
      if (stopped !== "none") return;
      stopped = "sigterm";
      signalGroup("SIGTERM");
      timers.push(
        setTimeout(() => {
          stopped = "sigkill";
          signalGroup("SIGKILL");
          timers.push(
            setTimeout(() => {
              stopped = "abandoned";
              finish(null, null);
            }, options.forceKillMs),
          );
        }, options.gracefulKillMs),
      );
    };
    let done = false;
    const finish = (exitCode: number | null, signal: string | null): void => {
      if (done) return;
      done = true;
      for (const timer of timers) clearTimeout(timer);
      options.cancel?.removeEventListener("abort", terminate);
      resolve({ exitCode, signal, stopped });
    };
    child.stdout.setEncoding("utf8").on("data", options.onStdout);
    child.stderr.setEncoding("utf8").on("data", options.onStderr);
    child.on("error", (error) => {
      options.onStderr(`failed to start command: ${error.message}\n`);
      finish(null, null);
    });
    child.on("close", (code, signal) => finish(code, signal));
    timers.push(setTimeout(terminate, Math.max(0, options.deadlineMs - Date.now())));
    if (options.cancel?.aborted) terminate();
    options.cancel?.addEventListener("abort", terminate, { once: true });
  });
}
