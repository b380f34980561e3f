/**
 * Exponential backoff with full jitter for the listener's retries: attempt n waits a random time
 * up to min(maxMs, baseMs × 2^n), never less than `floorMs` when the server said `Retry-After`.
 */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

export function backoffMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number,
  floorMs: number | null = null,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 20));
  const jittered = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  return Math.max(jittered, floorMs ?? 0);
}
