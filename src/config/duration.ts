import { z } from "zod";
import { rule } from "./rule.js";

/** Node's timers overflow above 2^31-1 ms (about 24.8 days) and then fire at once, so no duration may exceed it. */
export const MAX_DURATION_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** Seconds as written in the YAML (fractions allowed) to the milliseconds the code uses. */
export function secondsToMs(seconds: number): number {
  const ms = Math.round(seconds * 1000);
  // A positive duration must not round down to "no time at all".
  return seconds > 0 && ms === 0 ? 1 : ms;
}

/**
 * A duration in seconds that must be a real deadline: above zero (nothing may wait forever) and
 * below Node's timer limit. `defaultSeconds` is quoted in the hint so users know what omitting it gives.
 */
export function durationSeconds(defaultSeconds: number) {
  return z
    .number()
    .superRefine(
      rule(
        (n: number) => n > 0,
        "must be greater than 0 seconds",
        `it cannot be switched off; remove the key to use the default (${defaultSeconds} s)`,
      ),
    )
    .superRefine(
      rule(
        (n: number) => n <= MAX_DURATION_SECONDS,
        `must be at most ${MAX_DURATION_SECONDS} seconds (about 24 days, the longest a Node.js timer can wait)`,
      ),
    );
}

/** A pause in seconds that may be zero (e.g. the backoff between retries). */
export function pauseSeconds(maxSeconds: number) {
  return z.number().min(0).max(maxSeconds);
}
