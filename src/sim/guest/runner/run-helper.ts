/**
 * What run.sh and run-helper.sh do with the listener's return code: print the helper's verdict,
 * then "Exiting runner...", and exit 0. So run.sh's exit code does not tell success from failure
 * (github-api.md §4.4); the daemon has to watch the output or the service instead.
 */
import { ReturnCode } from "./exit-codes.js";
import type { Terminal } from "./terminal.js";

export function runShExitCode(listenerCode: number, term: Terminal): number {
  switch (listenerCode) {
    case ReturnCode.Success:
      term.info("Runner listener exit with 0 return code, stop the service, no retry needed.");
      break;
    case ReturnCode.TerminatedError:
      term.info("Runner listener exit with terminated error, stop the service, no retry needed.");
      break;
    case ReturnCode.SessionConflict:
      term.info(
        "Runner listener exit with Session Conflict error, stop the service, " +
          "please check if there is another runner with the same name is running.",
      );
      break;
    default:
      term.info(`Exiting with unknown error code: ${listenerCode}`);
  }
  term.info("Exiting runner...");
  return 0;
}
