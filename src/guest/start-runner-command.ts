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
}

// The secret travels from stdin to the runner through the environment only: the login shell
// reads it into an unexported variable and puts it into the detached supervisor's environment
// (never argv, never a file).
const SECRET_VARIABLE = { jit: "ACTIONS_RUNNER_INPUT_JITCONFIG", registration: "TART_EXECUTOR_RUNNER_TOKEN" };

// What the supervisor runs in the runner directory. run.sh reads ACTIONS_RUNNER_INPUT_JITCONFIG
// itself (the env form of --jitconfig). config.sh has no such form for us to rely on, so the
// token is on *its* argv inside the guest while it registers (seconds); it is unset first so
// that run.sh and the job never inherit it.
const RUN = {
  jit: "exec ./run.sh",
  registration: './config.sh "$@" --token "$token" && exec ./run.sh',
};
const TAKE_TOKEN = "token=$TART_EXECUTOR_RUNNER_TOKEN; unset TART_EXECUTOR_RUNNER_TOKEN";

/** Seconds between writing the exit file and powering off: lets followLogCommand (polling each second) print the marker. */
export const POWER_OFF_GRACE_SECONDS = 3;

function supervisorScript(mode: RunnerMode["kind"], powerOff: boolean): string {
  return [
    ...(mode === "registration" ? [TAKE_TOKEN] : []),
    "dir=$1 exit_file=$2",
    "shift 2",
    `(cd "$dir" && ${RUN[mode]}); code=$?`,
    'printf "%s\\n" "$code" > "$exit_file.tmp" && mv -f "$exit_file.tmp" "$exit_file"',
    ...(powerOff ? [`sleep ${POWER_OFF_GRACE_SECONDS}`, shutdownCommand()] : []),
  ].join("\n");
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
 * Starts the runner detached from the SSH session and prints the PID of its supervisor (a
 * `/bin/sh` whose child is run.sh); returns at once. Reads the secret from the first line of
 * stdin: the encoded JIT config, or the registration token. When the runner ends, the supervisor
 * writes its exit code to `exitFile` and powers the guest off with `sudo -n shutdown -h now`.
 * Detached = nohup + background with all three streams redirected (macOS has no setsid binary),
 * so it survives the connection dropping and the SSH channel can close.
 */
export function startRunnerCommand(options: StartRunnerOptions): string {
  const { mode } = options;
  const exitFile = quoteGuestPath(options.exitFile);
  const supervisorArgs = [
    shellQuote(supervisorScript(mode.kind, options.powerOff ?? true)),
    "tart-executor-runner",
    quoteGuestPath(options.runnerDir),
    exitFile,
    ...(mode.kind === "registration" ? configArguments(mode).map(shellQuote) : []),
  ];
  const missing = mode.kind === "jit" ? "the JIT config" : "the registration token";
  const parents = new Set([guestPathParent(options.logFile), guestPathParent(options.exitFile)]);
  const prepare = [
    "IFS= read -r secret",
    `[ -n "$secret" ] || { echo ${shellQuote(`expected ${missing} on stdin`)} >&2; exit 64; }`,
    `mkdir -p ${[...parents].map(quoteGuestPath).join(" ")} && rm -f ${exitFile} || exit 1`,
  ].join("; ");
  const detach = `${SECRET_VARIABLE[mode.kind]}="$secret" nohup /bin/sh -c ${supervisorArgs.join(" ")} > ${quoteGuestPath(options.logFile)} 2>&1 < /dev/null`;
  return `${prepare}; ${detach} & echo $!`;
}
