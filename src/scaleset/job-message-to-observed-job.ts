/**
 * A scale-set job message as the ledger's ObservedJob (docs/scale-sets.md §6): the same
 * `job-observed` facts a webhook gives, keyed by the runner request id.
 */
import type { JobStatus, ObservedJob, VmSpec } from "../executor/model.js";
import type { JobMessage } from "./scaleset-message.js";

const STATUS: Readonly<Record<JobMessage["messageType"], JobStatus | null>> = {
  JobAvailable: null,
  JobAssigned: "queued",
  JobStarted: "in_progress",
  JobCompleted: "completed",
};

/** actions/runner's TaskResult names → the REST API's conclusions. */
function conclusionOf(result: string | null): string | null {
  if (result === null) return null;
  const r = result.toLowerCase();
  if (r === "succeeded" || r === "success") return "success";
  if (r === "failed" || r === "failure") return "failure";
  if (r === "canceled" || r === "cancelled") return "cancelled";
  if (r === "skipped") return "skipped";
  return r;
}

/** The id that makes a redelivered message a duplicate for the ledger. */
export function scaleSetDeliveryId(job: JobMessage, messageId: number): string {
  return `scaleset:${job.messageType}:${job.runnerRequestId}:${messageId}`;
}

export function observedJobOf(job: JobMessage, spec: VmSpec): ObservedJob | null {
  const status = STATUS[job.messageType];
  if (status === null) return null;
  return {
    repo: `${job.ownerName}/${job.repositoryName}`,
    jobId: job.runnerRequestId,
    runId: job.workflowRunId,
    runAttempt: 1,
    name: job.jobDisplayName,
    htmlUrl: null,
    status,
    conclusion: status === "completed" ? conclusionOf(job.result) : null,
    runnerName: job.runnerName === "" ? null : job.runnerName,
    spec,
  };
}
