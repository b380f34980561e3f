import type { Clock } from "../clock.js";
import { connectAttempt, type AttemptOptions } from "./connect-attempt.js";
import { GuestError, isGuestError } from "./guest-error.js";
import { SshGuestSession, type GuestSession } from "./guest-session.js";

export type { ExecOptions, ExecResult } from "./exec-command.js";
export type { GuestSession } from "./guest-session.js";

export interface GuestConnectOptions extends AttemptOptions {
  readonly retry: {
    /** Absolute time (clock ms) after which no new attempt starts. */
    readonly deadline: number;
    readonly retryIntervalMs: number;
    /**
     * Extra attempts after an authentication failure (default 2): macOS sshd can refuse logins
     * for a moment after boot, but a wrong password should not be retried until the deadline.
     */
    readonly authRetries?: number;
  };
  readonly signal?: AbortSignal;
  /** Told about every failed attempt that will be retried (for logging). */
  readonly onRetry?: (failure: { readonly attempt: number; readonly error: GuestError }) => void;
}

export interface GuestDeps {
  readonly clock: Clock;
}

const DEFAULT_AUTH_RETRIES = 2;

/**
 * Connects to a guest, retrying while its sshd is not up yet (refused, reset, timed out) until
 * the deadline; then rejects with SSH_CONNECT_FAILED. Authentication failures are retried only
 * `authRetries` times; a host key that does not match the pin fails at once.
 */
export async function connectGuest(options: GuestConnectOptions, deps: GuestDeps): Promise<GuestSession> {
  const { retry, signal, onRetry } = options;
  const { clock } = deps;
  const authRetries = retry.authRetries ?? DEFAULT_AUTH_RETRIES;
  const target = `${options.username}@${options.host}:${options.port}`;
  let authFailures = 0;
  for (let attempt = 1; ; attempt++) {
    const remaining = retry.deadline - clock.now();
    // Never let one handshake run past the deadline; the first attempt always gets its full time.
    const readyTimeoutMs =
      attempt > 1 && remaining > 0 ? Math.min(options.readyTimeoutMs, remaining) : options.readyTimeoutMs;
    try {
      const connected = await connectAttempt({ ...options, readyTimeoutMs }, signal);
      return new SshGuestSession(connected.client, connected.hostKeyFingerprint, target, clock);
    } catch (caught) {
      const error = isGuestError(caught)
        ? caught
        : new GuestError("SSH_CONNECT_FAILED", `cannot connect to ${target}`, { cause: caught });
      if (error.code === "SSH_AUTH_FAILED" && ++authFailures > authRetries) throw error;
      if (error.code !== "SSH_CONNECT_FAILED" && error.code !== "SSH_AUTH_FAILED") throw error;
      if (clock.now() + retry.retryIntervalMs >= retry.deadline) throw giveUp(error, target, attempt);
      onRetry?.({ attempt, error });
      await sleepOrAbort(clock, retry.retryIntervalMs, target, signal);
    }
  }
}

function giveUp(last: GuestError, target: string, attempts: number): GuestError {
  if (last.code === "SSH_AUTH_FAILED") return last;
  const message = `gave up on ${target} after ${attempts} attempts: ${last.message}`;
  return new GuestError("SSH_CONNECT_FAILED", message, { cause: last });
}

async function sleepOrAbort(clock: Clock, ms: number, target: string, signal?: AbortSignal): Promise<void> {
  try {
    await clock.sleep(ms, signal);
  } catch (cause) {
    throw new GuestError("SSH_ABORTED", `connecting to ${target} was aborted`, { cause });
  }
}
