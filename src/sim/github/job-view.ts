/** A read-only copy of a job's state for tests and the demo (the live object stays private). */
import { fullName } from "./accounts.js";
import type { Conclusion, Job, JobRunnerInfo, JobStatus, TimelineEntry } from "./jobs.js";

export interface JobView {
  readonly id: number;
  readonly runId: number;
  readonly runAttempt: number;
  /** `owner/name` */
  readonly repo: string;
  readonly installationId: number;
  readonly labels: readonly string[];
  readonly name: string;
  readonly workflowName: string;
  readonly status: JobStatus;
  readonly conclusion: Conclusion | null;
  readonly runner: JobRunnerInfo | null;
  readonly assignedRunnerId: number | undefined;
  readonly cancelRequested: boolean;
  readonly createdAtMs: number;
  readonly startedAtMs: number;
  readonly completedAtMs: number | null;
  readonly timeline: readonly TimelineEntry[];
}

export function jobView(job: Job): JobView {
  return {
    id: job.id,
    runId: job.runId,
    runAttempt: job.runAttempt,
    repo: fullName(job.repo),
    installationId: job.installationId,
    labels: [...job.labels],
    name: job.name,
    workflowName: job.workflowName,
    status: job.status,
    conclusion: job.conclusion,
    runner: job.runner === null ? null : { ...job.runner },
    assignedRunnerId: job.assignedRunnerId,
    cancelRequested: job.cancelRequested,
    createdAtMs: job.createdAtMs,
    startedAtMs: job.startedAtMs,
    completedAtMs: job.completedAtMs,
    timeline: job.timeline.map((t) => ({ ...t })),
  };
}
