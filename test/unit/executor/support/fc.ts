/** fast-check settings shared by the property tests. */

/** Runs per property: modest by default, `FC_NUM_RUNS=5000` for a long soak. */
export function numRuns(fallback = 200): number {
  const fromEnv = Number(process.env["FC_NUM_RUNS"]);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : fallback;
}
