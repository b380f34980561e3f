import type { Client as SshClient, ClientChannel } from "ssh2";
import type { Clock } from "../clock.js";
import { BoundedOutput } from "./bounded-output.js";
import { collect, feedStdin, isStream, type Stdin } from "./channel-streams.js";
import { GuestError } from "./guest-error.js";

export interface ExecOptions {
  /** Sent to the command's stdin, then EOF. Without it the command gets EOF at once. */
  readonly stdin?: Stdin;
  /** Stdout as it arrives, decoded as UTF-8 (a character split across packets is held back), also past maxBuffer. */
  readonly onStdout?: (text: string) => void;
  readonly onStderr?: (text: string) => void;
  /**
   * Timeouts and aborts reject at once and close the channel, but do not kill the command:
   * OpenSSH refuses "signal" requests in common setups (and ssh2 cannot send one after EOF), so
   * the command runs on until it ends or next writes to its closed output (SIGPIPE).
   */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Bytes of stdout and of stderr kept for the result (default 1 MiB each); the rest is dropped with a marker. */
  readonly maxBuffer?: number;
}

export interface ExecResult {
  /** null when the command was killed by a signal or the guest reported no status. */
  readonly exitCode: number | null;
  /** e.g. `SIGTERM` when the command was killed by a signal. */
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** What a command needs from the session it runs in. */
export interface CommandContext {
  readonly clock: Clock;
  /** Subscribes to the connection being lost; returns the unsubscribe function. */
  readonly onConnectionLost: (listener: (error: GuestError) => void) => () => void;
}

const DEFAULT_MAX_BUFFER = 1024 * 1024;

/** Runs one command on a fresh channel of `client` and collects its outcome. */
export function execCommand(
  client: SshClient,
  command: string,
  options: ExecOptions,
  context: CommandContext,
): Promise<ExecResult> {
  const stdout = new BoundedOutput(options.maxBuffer ?? DEFAULT_MAX_BUFFER);
  const stderr = new BoundedOutput(options.maxBuffer ?? DEFAULT_MAX_BUFFER);
  const { signal, timeoutMs } = options;
  return new Promise((resolve, reject) => {
    let channel: ClientChannel | undefined;
    let exit: { code: number | null; signal: string | null } | undefined;
    let settled = false;
    const stopTimer = new AbortController();

    const settle = (failure: GuestError | null): void => {
      if (settled) return;
      settled = true;
      stopTimer.abort();
      if (isStream(options.stdin) && channel !== undefined) options.stdin.unpipe(channel);
      unsubscribe();
      signal?.removeEventListener("abort", onAbort);
      if (failure === null || exit !== undefined) {
        // A reported exit status means the command ended and its output is complete, even if
        // the connection went away before the channel finished closing.
        resolve({
          exitCode: exit?.code ?? null,
          signal: exit?.signal ?? null,
          stdout: stdout.text(),
          stderr: stderr.text(),
        });
        return;
      }
      if (channel !== undefined) channel.close();
      reject(failure);
    };
    const onAbort = (): void =>
      settle(new GuestError("SSH_ABORTED", "the command was aborted", { cause: signal?.reason }));
    const unsubscribe = context.onConnectionLost((error) => settle(error));

    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    if (timeoutMs !== undefined) {
      const timedOut = new GuestError(
        "SSH_COMMAND_TIMEOUT",
        `the command did not finish within ${timeoutMs} ms`,
      );
      context.clock.sleep(timeoutMs, stopTimer.signal).then(
        () => settle(timedOut),
        () => {}, // the command settled first and cancelled the timer
      );
    }

    const onChannel = (error: Error | undefined, opened: ClientChannel): void => {
      if (error !== undefined && error !== null) {
        return settle(
          new GuestError("SSH_CHANNEL_FAILED", `the guest refused to run a command: ${error.message}`, {
            cause: error,
          }),
        );
      }
      if (settled) return opened.close();
      channel = opened;
      opened.on("data", collect(stdout, options.onStdout));
      opened.stderr.on("data", collect(stderr, options.onStderr));
      opened.on("exit", (code: number | null, signalName?: string) => {
        exit = { code: code ?? null, signal: signalName ?? null };
      });
      // Writes after the command exited can fail; the exit status and 'close' still decide.
      opened.on("error", () => {});
      // Wait a tick on close: when the connection dropped, its own (more specific) error arrives
      // with the channel's close and must win over an ordinary "closed without a status".
      opened.on("close", () => setImmediate(() => settle(null)));
      feedStdin(opened, options.stdin, (cause) =>
        settle(new GuestError("SSH_STDIN_FAILED", "reading the stdin stream failed", { cause })),
      );
    };
    try {
      client.exec(command, onChannel);
    } catch (cause) {
      // ssh2 throws when the socket is already going away but has not reported 'close' yet.
      settle(
        new GuestError("SSH_CONNECTION_LOST", "the connection closed before the command started", { cause }),
      );
    }
  });
}
