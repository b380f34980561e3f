/**
 * The exact commands the daemon sends to a guest to install, start and watch GitHub's runner.
 * They run under the login user's shell (zsh on macOS, bash or sh elsewhere), so the part that
 * shell parses is kept to constructs all three share; anything longer is a fixed `/bin/sh -c`
 * script that gets its values as positional arguments. Every value is quoted (shellQuote /
 * quoteGuestPath); secrets only ever arrive on stdin.
 *
 * Paths are absolute or relative to the login user's home, `~/x` or `x` (see quoteGuestPath).
 */
import { GuestError } from "./guest-error.js";
import { joinGuestPath, quoteGuestPath } from "./guest-path.js";
import { RUNNER_EXIT_MARKER } from "./runner-exit-marker.js";
import { shellQuote } from "./shell-quote.js";
export { parseRunnerExitMarker, RUNNER_EXIT_MARKER } from "./runner-exit-marker.js";
export { shutdownCommand } from "./shutdown-command.js";
export { startRunnerCommand } from "./start-runner-command.js";
export type { RunnerMode, StartRunnerOptions } from "./start-runner-command.js";

/** Prints `present` when `<runnerDir>/run.sh` is executable, otherwise `absent` (exit 0 either way). */
export function checkRunnerCommand(runnerDir: string): string {
  const runScript = quoteGuestPath(joinGuestPath(runnerDir, "run.sh"));
  return `if [ -x ${runScript} ]; then echo present; else echo absent; fi`;
}

/** Unpacks the runner tarball (actions-runner-osx-*.tar.gz) that is piped to stdin into `runnerDir`. */
export function installRunnerCommand(runnerDir: string): string {
  const dir = quoteGuestPath(runnerDir);
  return `mkdir -p ${dir} && tar -xzf - -C ${dir}`;
}

// Polls (five times a second, no busy-wait) and prints only what is new, by byte offset, so nothing is
// lost or repeated when the runner ends between two polls; tail -F would have to be killed at an
// arbitrary point. The exit file is checked *before* the size is read: once it exists, the log
// is complete. The marker goes on a line of its own even if the log lacks a final newline.
const followScript = [
  "log=$1 exit_file=$2 offset=$3",
  "while :; do",
  '  if [ -f "$exit_file" ]; then finished=1; else finished=0; fi',
  '  if [ -f "$log" ]; then',
  '    size=$(($(wc -c < "$log")))',
  '    if [ "$size" -lt "$offset" ]; then offset=0; fi',
  '    if [ "$size" -gt "$offset" ]; then',
  '      tail -c +$((offset + 1)) "$log" | head -c $((size - offset))',
  "      offset=$size",
  "    fi",
  "  fi",
  '  if [ "$finished" = 1 ]; then break; fi',
  "  sleep 0.2",
  "done",
  'if [ -s "$log" ] && [ -n "$(tail -c 1 "$log")" ]; then echo; fi',
  `echo "${RUNNER_EXIT_MARKER} $(cat "$exit_file")"`,
].join("\n");

/**
 * Streams the runner log from byte `fromByte` (default 0: the start) and keeps following it until
 * the exit file appears, then prints `__TART_EXECUTOR_RUNNER_EXIT__ <code>` and exits 0. Safe to
 * run again after a reconnect; pass the number of log bytes already received to skip them.
 * It never ends on its own while the runner runs: give it a signal or a timeout.
 */
export function followLogCommand(
  logFile: string,
  exitFile: string,
  options: { fromByte?: number } = {},
): string {
  const fromByte = options.fromByte ?? 0;
  if (!Number.isSafeInteger(fromByte) || fromByte < 0) {
    throw new GuestError("GUEST_VALUE_INVALID", `fromByte must be a non-negative integer, got ${fromByte}`);
  }
  const args = [quoteGuestPath(logFile), quoteGuestPath(exitFile), shellQuote(String(fromByte))];
  return `/bin/sh -c ${shellQuote(followScript)} tart-executor-follow ${args.join(" ")}`;
}
