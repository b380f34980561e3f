/**
 * `config.sh` / `Runner.Listener configure`: exchanges a registration token for a runner
 * registration and saves `.runner` and `.credentials`, printing what the real runner prints.
 */
import type { RegisterResponse } from "../../runner-protocol.js";
import { apiBaseFromUrl } from "./api-base.js";
import { BANNER } from "./banner.js";
import { ReturnCode } from "./exit-codes.js";
import { errorMessage } from "./listener-api.js";
import type { RunnerArgs } from "./parse-runner-args.js";
import { buildRegisterRequest } from "./register-request.js";
import { isConfigured, writeRunnerConfig } from "./runner-files.js";
import type { HttpAnswer } from "./runner-http.js";
import { describeError, httpRequest } from "./runner-http.js";
import type { Terminal } from "./terminal.js";

export interface ConfigureOptions {
  readonly root: string;
  readonly args: RunnerArgs;
  readonly env: NodeJS.ProcessEnv;
  readonly term: Terminal;
}

export async function configure({ root, args, env, term }: ConfigureOptions): Promise<number> {
  if (env["USER"] === "root" && env["RUNNER_ALLOW_RUNASROOT"] === undefined) {
    term.error("Must not run with sudo");
    return ReturnCode.TerminatedError;
  }
  if (isConfigured(root)) {
    term.error(
      "Cannot configure the runner because it is already configured. " +
        "To reconfigure the runner, run 'config.cmd remove' or './config.sh remove' first.",
    );
    return ReturnCode.TerminatedError;
  }
  term.info(BANNER);
  term.info("# Authentication\n\n");
  const built = buildRegisterRequest(args, env);
  if (!built.ok) {
    term.error(built.error);
    return ReturnCode.TerminatedError;
  }
  let endpoint: string;
  let answer: HttpAnswer;
  try {
    endpoint = `${apiBaseFromUrl(built.request.url, env)}/actions/runner-registration`;
    answer = await httpRequest({
      method: "POST",
      url: endpoint,
      authorization: `RemoteAuth ${built.token}`,
      body: built.request,
      timeoutMs: 30_000,
    });
  } catch (error) {
    term.error(`An error occurred: ${describeError(error)}`);
    return ReturnCode.TerminatedError;
  }
  if (answer.status < 200 || answer.status >= 300) {
    term.error(`Http response code: ${answer.status} from 'POST ${endpoint}'`);
    if (answer.text.trim() !== "") term.error(answer.text.trim());
    term.error(`Response status code does not indicate success: ${answer.status} (${errorMessage(answer)}).`);
    return ReturnCode.TerminatedError;
  }
  const registered = JSON.parse(answer.text) as RegisterResponse;
  term.success("Connected to GitHub\n");
  term.info("# Runner Registration\n");
  const labels = built.request.labels.map((label) => `'${label}'`).join(", ");
  term.info(`This runner will have the following labels: ${labels}`);
  term.success("Runner successfully added");
  term.success("Runner connection is good\n");
  term.info("# Runner settings\n");
  writeRunnerConfig(root, { settings: registered.runner, credentials: registered.credentials });
  term.success("Settings Saved.\n");
  return ReturnCode.Success;
}
