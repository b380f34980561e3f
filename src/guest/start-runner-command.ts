import { GuestError } from "./guest-error.js";
import { guestPathParent, quoteGuestPath } from "./guest-path.js";
import { shellQuote } from "./shell-quote.js";
import { shutdownCommand } from "./shutdown-command.js";

/** How the runner registers: with a JIT config (preferred) or a registration token + config.sh. */
export type RunnerMode =
  | { readonly kind: "jit" }
  | {
      readonly kind: "registration";
      /** Org or repo URL, e.g. `https://github.com/octo-org`. */
      readonly url: string;
      readonly name: string;
      readonly labels: readonly string[];
      readonly runnerGroup?: string;
      readonly workFolder: string;
      readonly disableUpdate: boolean;
    };

export interface StartRunnerOptions {
  /** Directory holding run.sh (and config.sh). Paths: absolute or home-relative (quoteGuestPath). */
  readonly runnerDir: string;
  /** Receives the runner's stdout and stderr (truncated at start). */
  readonly logFile: string;
  /** Written (atomically, via `<exitFile>.tmp`) with the runner's exit code when it ends. */
  readonly exitFile: string;
  readonly mode: RunnerMode;
  /** Power the guest off after the runner ends (default true). Tests on a real host pass false. */
  readonly powerOff?: boolean;
  /** Exported for the runner (so for every job step) after the login profiles are read. */
  readonly environment?: Readonly<Record<string, string>>;
}

/** Exit status of the start command when the runner did not survive its first second. */
export const RUNNER_START_FAILED = 70;

// The secret travels from stdin to the runner through the environment only: the starting shell
// reads it into an unexported variable and exports it inside the detached subshell alone
// (never argv, never a file).
const SECRET_VARIABLE = { jit: "ACTIONS_RUNNER_INPUT_JITCONFIG", registration: "TART_EXECUTOR_RUNNER_TOKEN" };

// What runs in the runner directory, inside the login environment. run.sh reads
// ACTIONS_RUNNER_INPUT_JITCONFIG itself (the env form of --jitconfig). config.sh has no such form
// for us to rely on, so the token is on *its* argv inside the guest while it registers (seconds);
// it is unset first so that run.sh and the job never inherit it.
const RUN = {
  jit: "exec ./run.sh",
  registration:
    'token=$TART_EXECUTOR_RUNNER_TOKEN; unset TART_EXECUTOR_RUNNER_TOKEN; ./config.sh "$@" --token "$token" && exec ./run.sh',
};

/** Seconds between writing the exit file and powering off: lets followLogCommand (polling each second) print the marker. */
export const POWER_OFF_GRACE_SECONDS = 3;

/** How long after the start the command checks that the runner is still up. */
export const START_CHECK_SECONDS = 1;

/** Lines of the runner log the start command prints when the runner did not stay up. */
const TAIL_LINES = 20;

/**
 * The runner gets the user's login environment, on both guest channels (macos-guest.md):
 * a command sent by SSH runs under a *non-login* `zsh -c` (PATH `/usr/bin:/bin:/usr/sbin:/sbin`,
 * no LANG), the guest agent gives a launchd environment, and the cirruslabs images set Homebrew's
 * PATH and `LANG=en_US.UTF-8` only in `~/.zprofile` (`/etc/zprofile` runs path_helper). The
 * runner hands its environment to every job step, so it runs under `zsh -l`, which reads
 * /etc/zshenv, ~/.zshenv, /etc/zprofile, ~/.zprofile and the zlogin files exactly as a login
 * does. zsh is found on PATH: sshd's and launchd's default PATH both hold /bin, so on macOS it is
 * /bin/zsh. A guest without zsh (not macOS) gets /etc/zprofile and ~/.zprofile sourced by sh.
 */
const LOGIN_RUN = [
  'if command -v zsh >/dev/null 2>&1; then zsh -l -c "$inner" tart-executor-runner "$@"; code=$?',
  'else (for profile in /etc/zprofile "$HOME/.zprofile"; do if [ -r "$profile" ]; then . "$profile"; fi; done; eval "$inner"); code=$?',
  "fi",
].join("\n");

function supervisorScript(powerOff: boolean): string {
  return [
    "exit_file=$1 inner=$2",
    "shift 2",
    LOGIN_RUN,
    'printf "%s\\n" "$code" > "$exit_file.tmp" && mv -f "$exit_file.tmp" "$exit_file"',
    ...(powerOff ? [`sleep ${POWER_OFF_GRACE_SECONDS}`, shutdownCommand()] : []),
  ].join("\n");
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The command the login shell runs: exports, then into the runner directory, then the runner. */
function innerCommand(options: StartRunnerOptions): string {
  const exports = Object.entries(options.environment ?? {}).map(([name, value]) => {
    if (!VARIABLE_NAME.test(name))
      throw new GuestError("GUEST_VALUE_INVALID", `not a variable name: ${JSON.stringify(name)}`);
    return `export ${name}=${shellQuote(value)}`;
  });
  return [...exports, `cd ${quoteGuestPath(options.runnerDir)} || exit 1`, RUN[options.mode.kind]].join("\n");
}

function configArguments(mode: Extract<RunnerMode, { kind: "registration" }>): string[] {
  if (mode.labels.some((label) => label.includes(","))) {
    throw new GuestError("GUEST_VALUE_INVALID", "runner labels cannot contain a comma");
  }
  return [
    ...["--unattended", "--ephemeral", "--replace", "--url", mode.url, "--name", mode.name],
    ...(mode.labels.length > 0 ? ["--labels", mode.labels.join(",")] : []),
    ...(mode.runnerGroup !== undefined ? ["--runnergroup", mode.runnerGroup] : []),
    ...["--work", mode.workFolder],
    ...(mode.disableUpdate ? ["--disableupdate"] : []),
  ];
}

/**
 * Starts the runner detached from the session, checks a second later that it is still up, and
 * prints the PID of its supervisor (a `/bin/sh` that runs the runner in the login environment).
 * Reads the secret from the first line of stdin: the encoded JIT config, or the registration
 * token. When the runner ends, the supervisor writes its exit code to `exitFile` and powers the
 * guest off with `sudo -n /sbin/shutdown -h now`.
 *
 * Detached without nohup, whose macOS version calls `_vprocmgr_detach_from_console` and can fail
 * with "can't detach from console" (macos-guest.md): a background subshell that ignores HUP
 * (inherited across exec), with stdin from /dev/null and both outputs in the log, `exec`s the
 * supervisor. macOS has no setsid binary.
 *
 * If, after START_CHECK_SECONDS, the runner has already ended without ever listening for jobs, the
 * supervisor is gone, or the log shows a shell failure (`command not found` as bash and zsh say it, `not found` as dash
 * does, `can't detach from console`), it prints why and the log's last lines to stderr and exits RUNNER_START_FAILED, so
 * the attempt fails at once instead of after the whole runner-online deadline.
 */
export function startRunnerCommand(options: StartRunnerOptions): string {
  const { mode } = options;
  const exitFile = quoteGuestPath(options.exitFile);
  const logFile = quoteGuestPath(options.logFile);
  const supervisorArgs = [
    shellQuote(supervisorScript(options.powerOff ?? true)),
    "tart-executor-runner",
    exitFile,
    shellQuote(innerCommand(options)),
    ...(mode.kind === "registration" ? configArguments(mode).map(shellQuote) : []),
  ];
  const missing = mode.kind === "jit" ? "the JIT config" : "the registration token";
  const parents = new Set([guestPathParent(options.logFile), guestPathParent(options.exitFile)]);
  const variable = SECRET_VARIABLE[mode.kind];
  const failed = (why: string): string =>
    `{ echo ${shellQuote(`the runner did not start: ${why}; last lines of its log:`)} >&2; tail -n ${TAIL_LINES} ${logFile} >&2; exit ${RUNNER_START_FAILED}; }`;
  return [
    "IFS= read -r secret",
    `[ -n "$secret" ] || { echo ${shellQuote(`expected ${missing} on stdin`)} >&2; exit 64; }`,
    `mkdir -p ${[...parents].map(quoteGuestPath).join(" ")} && rm -f ${exitFile} || exit 1`,
    `(trap '' HUP; ${variable}=$secret; export ${variable}; exec /bin/sh -c ${supervisorArgs.join(" ")}) > ${logFile} 2>&1 < /dev/null &`,
    "pid=$!",
    `sleep ${START_CHECK_SECONDS}`,
    // A runner already listening for jobs has started, whatever its (job's) output says next.
    `if ! grep -q 'Listening for Jobs' ${logFile} 2>/dev/null; then`,
    `  if [ -f ${exitFile} ]; then ${failed("it exited at once")}; fi`,
    `  if ! kill -0 "$pid" 2>/dev/null; then ${failed("its supervisor is gone")}; fi`,
    `  if grep -q -E "can't detach from console|command not found|: not found$" ${logFile}; then ${failed("its log shows a failure")}; fi`,
    "fi",
    'echo "$pid"',
  ].join("\n");
}
