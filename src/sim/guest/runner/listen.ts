/**
 * `Runner.Listener run`: loads the configuration (from a JIT config or the saved files), opens a
 * session, long-polls for a job, runs it, and, being ephemeral, goes offline after one job.
 * Returns the listener's return code; run.sh maps it (see run-script.ts).
 */
import type { JobAssignment } from "../../runner-protocol.js";
import { RUNNER_VERSION } from "../../runner-protocol.js";
import { ReturnCode } from "./exit-codes.js";
import type { ListenerApi } from "./listener-api.js";
import { errorMessage, listenerApi } from "./listener-api.js";
import type { RunnerConfig } from "./runner-files.js";
import { readRunnerConfig, removeRunnerConfig, writeJitConfig } from "./runner-files.js";
import { describeError } from "./runner-http.js";
import { runJob } from "./run-job.js";
import type { Terminal } from "./terminal.js";

export interface ListenOptions {
  readonly root: string;
  /** From `--jitconfig` or ACTIONS_RUNNER_INPUT_JITCONFIG. */
  readonly jitConfig: string | undefined;
  readonly term: Terminal;
  /** Aborted by SIGINT/SIGTERM. */
  readonly stop: AbortSignal;
}

export async function listen(options: ListenOptions): Promise<number> {
  const { root, term, stop } = options;
  let config: RunnerConfig | undefined;
  try {
    config =
      options.jitConfig === undefined ? readRunnerConfig(root) : writeJitConfig(root, options.jitConfig);
  } catch (error) {
    term.error(`An error occurred: ${describeError(error)}`);
    return ReturnCode.TerminatedError;
  }
  if (config === undefined) {
    term.error("An error occurred: Not configured. Run config.(sh/cmd) to configure the runner.");
    return ReturnCode.TerminatedError;
  }
  const api = listenerApi(config, term);
  const session = await api.createSession(stop).catch(() => undefined);
  if (session === undefined) return stopped(term);
  if (session.status === 409) {
    term.error("A session for this runner already exists.");
    return ReturnCode.SessionConflict;
  }
  if (session.status === 404) return runnerGone(root, term);
  if (session.status !== 201 && session.status !== 200) {
    term.error(`Failed to create session. ${errorMessage(session)}`);
    return ReturnCode.TerminatedError;
  }
  const { sessionId } = JSON.parse(session.text) as { sessionId: string };
  term.success("Connected to GitHub");
  term.info("");
  term.info(`Current runner version: '${RUNNER_VERSION}'`);
  term.stamped("Listening for Jobs");
  const code = await pollJobs(api, sessionId, config, options);
  if (code === "runner gone") return runnerGone(root, term);
  await api.deleteSession(sessionId).catch(() => undefined);
  if (config.settings.ephemeral && !stop.aborted) {
    for (const name of removeRunnerConfig(root)) term.success(`Removed ${name}`);
  }
  return stop.aborted ? stopped(term) : code;
}

/** Polls, acquires and runs jobs until an ephemeral runner has run one, or it is told to stop. */
async function pollJobs(
  api: ListenerApi,
  sessionId: string,
  config: RunnerConfig,
  { root, term, stop }: ListenOptions,
): Promise<number | "runner gone"> {
  while (!stop.aborted) {
    const poll = await api.nextJob(sessionId, stop).catch(() => undefined);
    if (poll === undefined || poll.status === 204) continue;
    if (poll.status === 404) return "runner gone";
    if (poll.status !== 200) {
      term.error(`Failed to get the next job. ${errorMessage(poll)}`);
      return ReturnCode.TerminatedError;
    }
    const job = JSON.parse(poll.text) as JobAssignment;
    const acquired = await api.acquireJob(job.jobId, stop).catch(() => undefined);
    if (acquired?.status !== 200) {
      if (acquired !== undefined) term.error(`Failed to acquire job ${job.name}: ${errorMessage(acquired)}`);
      continue;
    }
    await runJob(api, job, term, stop, { root, workFolder: config.settings.workFolder || "_work" });
    if (config.settings.ephemeral) break;
  }
  return ReturnCode.Success;
}

/** The service deleted the registration (e.g. REST DELETE while idle): clean up and exit 0. */
function runnerGone(root: string, term: Terminal): number {
  term.stamped("The runner no longer exists on the server. Please reconfigure the runner.");
  term.info("Cleaning up local configuration");
  for (const name of removeRunnerConfig(root)) term.success(`Removed ${name}`);
  return ReturnCode.Success;
}

function stopped(term: Terminal): number {
  term.info("Exiting...");
  return ReturnCode.Success;
}
