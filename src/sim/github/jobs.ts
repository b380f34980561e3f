/**
 * Workflow jobs as the dispatcher tracks them, and their `workflow_job` representation (the same
 * object for the REST job endpoint and the webhook payloads).
 */
import { fullName, type RepoRef, type Site } from "./accounts.js";
import { isoSeconds, legacyNodeId } from "./ids.js";

export type JobStatus = "waiting" | "queued" | "in_progress" | "completed";
export type Conclusion = "success" | "failure" | "cancelled";

export interface JobRunnerInfo {
  readonly id: number;
  readonly name: string;
  readonly groupId: number;
  readonly groupName: string;
}

export interface TimelineEntry {
  readonly atMs: number;
  /** queued, waiting, approved, assigned, handed, requeued, acquired, cancel-requested, completed, delivery… */
  readonly event: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface Job {
  readonly id: number;
  readonly runId: number;
  readonly runAttempt: number;
  readonly repo: RepoRef;
  readonly installationId: number;
  readonly labels: readonly string[];
  readonly name: string;
  readonly workflowName: string;
  readonly headBranch: string;
  readonly headSha: string;
  readonly durationMs: number;
  readonly result: "success" | "failure";
  readonly createdAtMs: number;
  status: JobStatus;
  conclusion: Conclusion | null;
  startedAtMs: number;
  completedAtMs: number | null;
  runner: JobRunnerInfo | null;
  /** Runner the job is handed to while it waits for the acquire. */
  assignedRunnerId: number | undefined;
  cancelRequested: boolean;
  lastRenewMs: number;
  readonly timeline: TimelineEntry[];
}

function steps(job: Job): Array<Record<string, unknown>> {
  if (job.runner === null) return [];
  const started = isoSeconds(job.startedAtMs);
  if (job.status !== "completed" || job.completedAtMs === null)
    return [
      {
        name: "Set up job",
        status: "in_progress",
        conclusion: null,
        number: 1,
        started_at: started,
        completed_at: null,
      },
    ];
  const ended = isoSeconds(job.completedAtMs);
  const done = (name: string, number: number, conclusion: string, from: string, to: string) => ({
    name,
    status: "completed",
    conclusion,
    number,
    started_at: from,
    completed_at: to,
  });
  return [
    done("Set up job", 1, "success", started, started),
    done(`Run ${job.name}`, 2, job.conclusion ?? "success", started, ended),
    done("Complete job", 3, "success", ended, ended),
  ];
}

/** The `workflow_job` object; `statusOverride` lets a `queued` delivery say `waiting` (env gates). */
export function workflowJobJson(site: Site, job: Job, statusOverride?: JobStatus): Record<string, unknown> {
  const repoApi = `${site.apiUrl}/repos/${fullName(job.repo)}`;
  return {
    id: job.id,
    run_id: job.runId,
    workflow_name: job.workflowName,
    head_branch: job.headBranch,
    run_url: `${repoApi}/actions/runs/${job.runId}`,
    run_attempt: job.runAttempt,
    node_id: legacyNodeId("CheckRun", job.id),
    head_sha: job.headSha,
    url: `${repoApi}/actions/jobs/${job.id}`,
    html_url: `${site.url}/${fullName(job.repo)}/actions/runs/${job.runId}/job/${job.id}`,
    status: statusOverride ?? job.status,
    conclusion: job.conclusion,
    created_at: isoSeconds(job.createdAtMs),
    started_at: isoSeconds(job.startedAtMs),
    completed_at: job.completedAtMs === null ? null : isoSeconds(job.completedAtMs),
    name: job.name,
    steps: steps(job),
    check_run_url: `${repoApi}/check-runs/${job.id}`,
    labels: [...job.labels],
    runner_id: job.runner?.id ?? null,
    runner_name: job.runner?.name ?? null,
    runner_group_id: job.runner?.groupId ?? null,
    runner_group_name: job.runner?.groupName ?? null,
  };
}
