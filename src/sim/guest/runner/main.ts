/**
 * Entry point of the simulated GitHub Actions runner (the scripts in runner-package.ts call it):
 *   node main.js run [--jitconfig <b64>]        run.sh: listener + run-helper's exit-code mapping
 *   node main.js config [flags]                 config.sh
 *   node main.js listener run|configure [...]   bin/Runner.Listener: raw return codes
 * The runner directory comes from TART_SIM_RUNNER_ROOT (set by the scripts), else the cwd.
 */
import { RUNNER_VERSION } from "../../runner-protocol.js";
import { configure } from "./configure.js";
import { ReturnCode } from "./exit-codes.js";
import { listen } from "./listen.js";
import { parseRunnerArgs } from "./parse-runner-args.js";
import { CONFIG_ARGS } from "./register-request.js";
import { runShExitCode } from "./run-helper.js";
import { terminal as term } from "./terminal.js";
import { startWatchdog } from "./watchdog.js";

const RUN_ARGS = { values: ["jitconfig", "startuptype"], flags: ["once"] } as const;
const USAGE = `Commands:
 ./config.sh         Configures the runner (--url --token --name --labels --runnergroup --work
                     --ephemeral --unattended --replace --disableupdate --no-default-labels)
 ./run.sh            Runs the runner interactively (--jitconfig <encoded config>)
 ./config.sh --version  Prints the runner version`;

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const root = env["TART_SIM_RUNNER_ROOT"] ?? process.cwd();
  const [mode = "", ...rest] = argv;
  // `config.sh remove` and `Runner.Listener <command>` name a command first.
  const commandFirst = mode === "listener" || (mode === "config" && rest[0] === "remove");
  const [command, args] = commandFirst ? [rest[0] ?? "", rest.slice(1)] : [mode, rest];
  if (args.includes("--version")) {
    term.info(RUNNER_VERSION);
    return ReturnCode.Success;
  }
  if (args.includes("--help")) {
    term.info(USAGE);
    return ReturnCode.Success;
  }
  const isRun = command === "run";
  if (!isRun && command !== "config" && command !== "configure") {
    term.error(
      `${command === "remove" ? "'config.sh remove' is not simulated" : `Unknown command '${command}'`}.`,
    );
    term.error(USAGE);
    return ReturnCode.TerminatedError;
  }
  const parsed = parseRunnerArgs(args, isRun ? RUN_ARGS : CONFIG_ARGS, env);
  if (!parsed.ok) {
    term.error(parsed.error);
    return isRun && mode === "run"
      ? runShExitCode(ReturnCode.TerminatedError, term)
      : ReturnCode.TerminatedError;
  }
  if (!isRun) return configure({ root, args: parsed.args, env, term });

  startWatchdog(env);
  const stop = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => stop.abort(new Error(signal)));
  }
  const code = await listen({ root, jitConfig: parsed.args.value("jitconfig"), term, stop: stop.signal });
  return mode === "run" ? runShExitCode(code, term) : code;
}

// Pipes and files are written synchronously on Linux, so exiting right away loses no output;
// exiting explicitly stops idle keep-alive sockets from holding the process open.
main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error: unknown) => {
    term.error(
      `An error occurred: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(ReturnCode.TerminatedError);
  },
);
