/**
 * One "something changed" signal for the whole fake: runner sessions, assignments, jobs and
 * deliveries all call notify(), and long-polls and test helpers wait on it instead of polling.
 */
import type { Clock } from "../../clock.js";

/** Sleeps `ms` on the clock; resolves false instead of throwing when `signal` aborts first. */
export async function sleepUnlessAborted(clock: Clock, ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await clock.sleep(Math.max(0, ms), signal);
    return !signal.aborted;
  } catch (error) {
    if (signal.aborted) return false;
    throw error;
  }
}

export class Changes {
  readonly #clock: Clock;
  #waiters = new Set<() => void>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  notify(): void {
    const waiters = this.#waiters;
    this.#waiters = new Set();
    for (const wake of waiters) wake();
  }

  /** Resolves at the next notify(), or when `signal` aborts. */
  next(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const wake = (): void => {
        signal.removeEventListener("abort", wake);
        this.#waiters.delete(wake);
        resolve();
      };
      this.#waiters.add(wake);
      signal.addEventListener("abort", wake, { once: true });
    });
  }

  /**
   * Resolves with the first truthy value of `probe`, re-evaluated after every change; rejects after
   * `timeoutMs` on the clock (or when `signal` aborts) with a message naming `what`.
   */
  async waitFor<T>(
    probe: () => T | undefined | false | null,
    timeoutMs: number,
    what = "condition",
    signal?: AbortSignal,
  ): Promise<T> {
    const timeout = new AbortController();
    const stop = signal === undefined ? timeout.signal : AbortSignal.any([timeout.signal, signal]);
    const timer = sleepUnlessAborted(this.#clock, timeoutMs, stop).then((elapsed) => {
      if (elapsed) timeout.abort();
    });
    try {
      for (;;) {
        const value = probe();
        if (value !== undefined && value !== false && value !== null) return value;
        if (stop.aborted) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await this.next(stop);
      }
    } finally {
      timeout.abort();
      await timer;
    }
  }
}
