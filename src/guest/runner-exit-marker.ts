/**
 * The last line `followLogCommand` prints once the runner has ended, e.g.
 * `__TART_EXECUTOR_RUNNER_EXIT__ 0`. It always starts on a line of its own.
 */
export const RUNNER_EXIT_MARKER = "__TART_EXECUTOR_RUNNER_EXIT__";

const markerLine = new RegExp(`^${RUNNER_EXIT_MARKER} (\\d{1,3})\\r?$`);

/** The runner's exit code if `line` is the exit marker line, else null. */
export function parseRunnerExitMarker(line: string): number | null {
  const match = markerLine.exec(line);
  return match?.[1] === undefined ? null : Number(match[1]);
}
