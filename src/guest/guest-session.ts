import type { Client as SshClient } from "ssh2";
import type { Clock } from "../clock.js";
import { execCommand, type ExecOptions, type ExecResult } from "./exec-command.js";
import { GuestError } from "./guest-error.js";

/** One authenticated SSH connection to a guest. */
export interface GuestSession {
  /** The guest's host key as OpenSSH prints it: `SHA256:<base64>`. */
  readonly hostKeyFingerprint: string;
  /** True once the connection is gone, whether we closed it or not. */
  readonly closed: boolean;
  /** Runs `command` through the login user's shell; resolves with its exit status and output. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Closes the connection; commands still running reject with SSH_CONNECTION_LOST. */
  close(): Promise<void>;
  /**
   * Calls `listener` once when the connection ends: with null after close(), otherwise with an
   * SSH_CONNECTION_LOST error. Returns a function that removes the listener.
   */
  onClose(listener: (error: GuestError | null) => void): () => void;
}

// How long close() waits for a polite disconnect before dropping the socket.
const CLOSE_GRACE_MS = 2_000;

/** GuestSession over a connected ssh2 Client. */
export class SshGuestSession implements GuestSession {
  readonly hostKeyFingerprint: string;
  readonly #client: SshClient;
  readonly #clock: Clock;
  readonly #target: string;
  readonly #listeners = new Set<(error: GuestError | null) => void>();
  readonly #ended = new AbortController();
  #closing = false;
  #closingDone: Promise<void> | undefined;
  #lastError: Error | undefined;

  constructor(client: SshClient, hostKeyFingerprint: string, target: string, clock: Clock) {
    this.#client = client;
    this.hostKeyFingerprint = hostKeyFingerprint;
    this.#target = target;
    this.#clock = clock;
    client.on("error", (error: Error) => {
      this.#lastError = error;
    });
    client.once("close", () => this.#onClientClose());
  }

  get closed(): boolean {
    return this.#ended.signal.aborted;
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed || this.#closing) {
      return Promise.reject(
        new GuestError("SSH_CONNECTION_LOST", `the connection to ${this.#target} is closed`),
      );
    }
    return execCommand(this.#client, command, options, {
      clock: this.#clock,
      onConnectionLost: (listener) => this.onClose((error) => listener(error ?? this.#closedByUs())),
    });
  }

  close(): Promise<void> {
    this.#closingDone ??= this.#close();
    return this.#closingDone;
  }

  async #close(): Promise<void> {
    if (this.closed) return;
    this.#closing = true;
    const ended = new Promise<void>((resolve) => this.onClose(() => resolve()));
    this.#client.end();
    try {
      await this.#clock.sleep(CLOSE_GRACE_MS, this.#ended.signal);
      this.#client.destroy();
    } catch {
      // the connection ended within the grace period
    }
    await ended;
  }

  onClose(listener: (error: GuestError | null) => void): () => void {
    if (this.closed) {
      const error = this.#closeError();
      queueMicrotask(() => listener(error));
      return () => {};
    }
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #onClientClose(): void {
    this.#ended.abort();
    const error = this.#closeError();
    for (const listener of this.#listeners) listener(error);
    this.#listeners.clear();
  }

  #closeError(): GuestError | null {
    if (this.#closing) return null;
    const reason = this.#lastError === undefined ? "" : `: ${this.#lastError.message}`;
    return new GuestError("SSH_CONNECTION_LOST", `lost the connection to ${this.#target}${reason}`, {
      cause: this.#lastError,
    });
  }

  #closedByUs(): GuestError {
    return new GuestError(
      "SSH_CONNECTION_LOST",
      `the connection to ${this.#target} was closed while a command ran`,
    );
  }
}
