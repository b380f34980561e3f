/**
 * Runs one acquired job: first its steps (run-steps.ts; a failing step fails the job), then the
 * simulated work lasts `durationMs`, during which the runner renews
 * its job lock at least every second (the service cancels through the renew answer), and then
 * reports the result. A stop request (SIGINT/SIGTERM) cancels the job like a cancelled workflow.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { JobAssignment } from "../../runner-protocol.js";
import type { JobResult, ListenerApi } from "./listener-api.js";
import { runSteps } from "./run-steps.js";
import { describeError } from "./runner-http.js";
import type { Terminal } from "./terminal.js";

/** How long a stopping runner keeps trying to report its cancelled job. */
const STOPPING_REPORT_MS = 10_000;

export interface JobPlace {
  /** The runner directory. */
  readonly root: string;
  /** The runner's work folder (relative to root or absolute). */
  readonly workFolder: string;
}

export async function runJob(
  api: ListenerApi,
  job: JobAssignment,
  term: Terminal,
  stop: AbortSignal,
  place: JobPlace,
): Promise<JobResult> {
  term.stamped(`Running job: ${job.name}`);
  const beatMs = Math.max(10, Math.min(1_000, Math.floor(job.durationMs / 4)));
  const stepsPassed = await runSteps(place.root, place.workFolder, job, stop);
  const deadline = Date.now() + job.durationMs;
  let result: JobResult = stop.aborted ? "Canceled" : stepsPassed ? job.result : "Failed";
  while (Date.now() < deadline) {
    try {
      await sleep(Math.min(beatMs, deadline - Date.now()), undefined, { signal: stop });
    } catch {
      result = "Canceled"; // told to stop
      break;
    }
    if (await cancelledByService(api, job, term)) {
      result = "Canceled";
      break;
    }
  }
  // A stopping runner still reports, but only for a while; a running one retries until it can.
  const reportSignal = stop.aborted ? AbortSignal.timeout(STOPPING_REPORT_MS) : new AbortController().signal;
  try {
    const answer = await api.completeJob(job.jobId, result, reportSignal);
    if (answer.status >= 300)
      term.error(`Failed to report the result of job ${job.name}: HTTP ${answer.status}`);
  } catch (error) {
    term.error(`Failed to report the result of job ${job.name}: ${describeError(error)}`);
  }
  term.stamped(`Job ${job.name} completed with result: ${result}`);
  return result;
}

async function cancelledByService(api: ListenerApi, job: JobAssignment, term: Terminal): Promise<boolean> {
  try {
    const answer = await api.renewJob(job.jobId);
    if (answer.status !== 200) {
      term.error(`Failed to renew job ${job.name}: HTTP ${answer.status}`);
      return false;
    }
    return (JSON.parse(answer.text) as { cancelled?: unknown }).cancelled === true;
  } catch (error) {
    // The lock renewal is retried on the next beat, as the real runner does.
    term.error(`Failed to renew job ${job.name}: ${describeError(error)}`);
    return false;
  }
}
