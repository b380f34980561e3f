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
    /** Pause after a connection that failed (refused, reset, timed out): sshd is not up yet. */
    readonly retryIntervalMs: number;
    /**
     * Extra attempts after an authentication failure (default: until the deadline). macOS sshd
     * can refuse logins for a while after boot (gitlab-tart-executor retries every error until its
     * deadline), so they are retried with a growing pause, AUTH_BACKOFF_MS doubling up to
     * AUTH_BACKOFF_MAX_MS. 0 fails at the first refusal.
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

export const AUTH_BACKOFF_MS = 500;
export const AUTH_BACKOFF_MAX_MS = 5_000;

/**
 * Connects to a guest, retrying while its sshd is not up yet (refused, reset, timed out) or
 * still refuses our login, until the deadline. The final error says which it was: the connection
 * was refused (SSH_CONNECT_FAILED, "connection refused"), authentication failed
 * (SSH_AUTH_FAILED, "refused our credentials"), or the deadline passed on some other failure
 * (SSH_CONNECT_FAILED, "deadline passed"). A host key that does not match the pin fails at once.
 */
export async function connectGuest(options: GuestConnectOptions, deps: GuestDeps): Promise<GuestSession> {
  const { retry, signal, onRetry } = options;
  const { clock } = deps;
  const authRetries = retry.authRetries ?? Number.POSITIVE_INFINITY;
  const target = `${options.username}@${options.host}:${options.port}`;
  const started = clock.now();
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
      if (error.code !== "SSH_CONNECT_FAILED" && error.code !== "SSH_AUTH_FAILED") throw error;
      const pauseMs =
        error.code === "SSH_AUTH_FAILED"
          ? Math.min(AUTH_BACKOFF_MAX_MS, AUTH_BACKOFF_MS * 2 ** Math.min(authFailures, 16))
          : retry.retryIntervalMs;
      if (error.code === "SSH_AUTH_FAILED") authFailures += 1;
      const outOfTries = error.code === "SSH_AUTH_FAILED" && authFailures > authRetries;
      if (outOfTries || clock.now() + pauseMs >= retry.deadline)
        throw giveUp(error, target, attempt, Math.round((clock.now() - started) / 1000));
      onRetry?.({ attempt, error });
      await sleepOrAbort(clock, pauseMs, target, signal);
    }
  }
}

/** The final error: refused, authentication failed, or the deadline passed, with the attempts made. */
function giveUp(last: GuestError, target: string, attempts: number, seconds: number): GuestError {
  const tries = `after ${attempts} attempt${attempts === 1 ? "" : "s"} in ${seconds} s`;
  if (last.code === "SSH_AUTH_FAILED")
    return new GuestError(
      "SSH_AUTH_FAILED",
      `authentication failed: ${target} refused our credentials ${tries}`,
      { cause: last },
    );
  const refused = (last.cause as NodeJS.ErrnoException | undefined)?.code === "ECONNREFUSED";
  const why = refused ? "connection refused (nothing listens on the SSH port)" : "the deadline passed";
  return new GuestError(
    "SSH_CONNECT_FAILED",
    `gave up on ${target} ${tries}: ${why}; last error: ${last.message}`,
    {
      cause: last,
    },
  );
}

async function sleepOrAbort(clock: Clock, ms: number, target: string, signal?: AbortSignal): Promise<void> {
  try {
    await clock.sleep(ms, signal);
  } catch (cause) {
    throw new GuestError("SSH_ABORTED", `connecting to ${target} was aborted`, { cause });
  }
}
