/**
 * The `agent` guest channel: every command is one `tart exec [-i] <vm> /bin/sh -c <command>`
 * through the Tart Guest Agent (gRPC over the VM's control socket, Exec.swift). The host opens no
 * network connection to the VM, so neither SSH credentials, sshd's start-up nor macOS's Local
 * Network permission are involved (macos-guest.md, "tart's guest agent"). The agent runs commands
 * as argv, not through a shell, so each command goes to `/bin/sh -c` (the same scripts SSH sends
 * to the login user's zsh: runner-commands.ts keeps to what sh, bash and zsh share).
 * Secrets go on stdin (`-i`), never on the command line.
 */
import type { TartExecOptions, TartExecResult } from "../tart/tart-exec.js";
import { GuestError } from "./guest-error.js";
import type { ExecResult } from "./exec-command.js";

/** What the agent channel needs from the Tart adapter. */
export type AgentExec = (
  vm: string,
  command: readonly string[],
  options?: TartExecOptions,
) => Promise<TartExecResult>;

export interface AgentExecOptions {
  readonly stdin?: string | Buffer;
  readonly onStdout?: (text: string) => void;
  readonly onStderr?: (text: string) => void;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** A session over the guest agent. Stateless (one tart process per command): close() only refuses later commands. */
export class AgentGuestSession {
  readonly #vm: string;
  readonly #exec: AgentExec;
  #closed = false;

  constructor(vm: string, exec: AgentExec) {
    this.#vm = vm;
    this.#exec = exec;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async exec(command: string, options: AgentExecOptions = {}): Promise<ExecResult> {
    if (this.#closed)
      throw new GuestError("SSH_CONNECTION_LOST", `the agent session to ${this.#vm} is closed`);
    const result = await this.#exec(this.#vm, ["/bin/sh", "-c", command], {
      ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
      ...(options.onStdout === undefined ? {} : { onStdout: options.onStdout }),
      ...(options.onStderr === undefined ? {} : { onStderr: options.onStderr }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    if (result.aborted)
      throw new GuestError("SSH_ABORTED", "the command was aborted", { cause: options.signal?.reason });
    if (result.timedOut)
      throw new GuestError(
        "SSH_COMMAND_TIMEOUT",
        `the command did not finish within ${options.timeoutMs ?? 0} ms`,
      );
    if (result.spawnError !== null)
      throw new GuestError("SSH_CONNECTION_LOST", `tart exec could not run: ${result.spawnError.message}`, {
        cause: result.spawnError,
      });
    if (result.agentUnreachable)
      throw new GuestError(
        "SSH_CONNECTION_LOST",
        `lost the guest agent of ${this.#vm}: ${firstLine(result.stderr) || `tart exec exited ${result.exitCode}`}`,
      );
    return { exitCode: result.exitCode, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}

function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .find((line) => line.trim() !== "")
      ?.trim() ?? ""
  );
}
