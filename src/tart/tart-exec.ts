/**
 * `tart exec [-i] <vm> <command> [args…]`: runs a command in a running VM through the Tart Guest
 * Agent (openai/tart `Sources/tart/Commands/Exec.swift`). tart streams the guest's stdout and
 * stderr to its own, reads its stdin only with `-i` (until EOF, then sends an empty chunk as the
 * guest's EOF), and exits with the guest command's exit code. tart's own failures are told apart
 * by their exit and text: exit 2 `VM "<n>" is not running`, exit 1 `Failed to connect to the VM
 * using its control socket: …, is the Tart Guest Agent running?` (no agent, or not up yet), and
 * exit 1 with a gRPC `unavailable (14)` status when the stream breaks mid-command.
 */
import { spawn } from "node:child_process";
import { StringDecoder } from "node:string_decoder";

export interface TartExecOptions {
  /** Given: `-i`, this goes to the guest command's stdin, then EOF. Absent: no `-i`, no stdin. */
  readonly stdin?: string | Buffer;
  readonly onStdout?: (text: string) => void;
  readonly onStderr?: (text: string) => void;
  /** Ends tart exec (SIGINT, then SIGKILL after 5 s); the result then says `timedOut`. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Bytes of stdout and of stderr kept for the result (default 1 MiB each). */
  readonly maxBuffer?: number;
}

export interface TartExecResult {
  /** tart's exit code: the guest command's, or tart's own (see agentUnreachable). */
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  /** tart could not reach the guest agent (no control socket, agent not running, VM not running). */
  readonly agentUnreachable: boolean;
  /** tart itself could not be started (ENOENT and the like). */
  readonly spawnError: Error | null;
}

const DEFAULT_MAX_BUFFER = 1024 * 1024;
const KILL_AFTER_MS = 5_000;
/** Exec.swift's RuntimeError text when the gRPC connection to the control socket fails. */
const NO_AGENT = /Failed to connect to the VM using its control socket/;
/** The agent's gRPC stream broke under a running command (the VM lost power or the agent died). */
const STREAM_BROKE = /^(Error: )?unavailable \(14\)/m;
/** tart's VMNotRunning (exit 2). */
const NOT_RUNNING = /^VM ".*" is not running/m;

export function tartExec(
  tart: { readonly executable: string; readonly env: Readonly<Record<string, string>> },
  vm: string,
  command: readonly string[],
  options: TartExecOptions = {},
): Promise<TartExecResult> {
  const args = ["exec", ...(options.stdin === undefined ? [] : ["-i"]), vm, ...command];
  const limit = options.maxBuffer ?? DEFAULT_MAX_BUFFER;
  return new Promise((resolve) => {
    const child = spawn(tart.executable, args, {
      env: { ...tart.env },
      stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const stdout = capture(limit, options.onStdout);
    const stderr = capture(limit, options.onStderr);
    child.stdout?.on("data", stdout.push);
    child.stderr?.on("data", stderr.push);
    let timedOut = false;
    let aborted = false;
    let spawnError: Error | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      child.kill("SIGINT");
      killTimer ??= setTimeout(() => child.kill("SIGKILL"), KILL_AFTER_MS);
    };
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            stop();
          }, options.timeoutMs);
    const onAbort = (): void => {
      aborted = true;
      stop();
    };
    if (options.signal?.aborted === true) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
    if (child.stdin !== null) {
      child.stdin.on("error", () => undefined); // tart exited before reading everything (EPIPE)
      child.stdin.end(options.stdin);
    }
    child.on("error", (error) => {
      spawnError = error;
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      options.signal?.removeEventListener("abort", onAbort);
      const errText = stderr.text();
      resolve({
        exitCode: code,
        signal,
        stdout: stdout.text(),
        stderr: errText,
        timedOut,
        aborted,
        agentUnreachable:
          (code === 1 && (NO_AGENT.test(errText) || STREAM_BROKE.test(errText))) ||
          (code === 2 && NOT_RUNNING.test(errText)),
        spawnError,
      });
    });
  });
}

function capture(
  limit: number,
  listener: ((text: string) => void) | undefined,
): { push: (chunk: Buffer) => void; text: () => string } {
  const chunks: Buffer[] = [];
  const decoder = new StringDecoder("utf8");
  let kept = 0;
  let dropped = 0;
  return {
    push: (chunk) => {
      const room = Math.max(limit - kept, 0);
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      if (part.length > 0) chunks.push(part);
      kept += part.length;
      dropped += chunk.length - part.length;
      if (listener !== undefined) {
        const text = decoder.write(chunk);
        if (text !== "") listener(text);
      }
    },
    text: () => {
      const text = Buffer.concat(chunks).toString("utf8");
      return dropped === 0 ? text : `${text}\n[tart-executor: output truncated, ${dropped} bytes dropped]\n`;
    },
  };
}
