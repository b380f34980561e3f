/**
 * Which runner may take which job, as GitHub routes: an online (session open), idle runner that
 * holds no other assignment, registered where it can serve the job's repository, whose labels
 * include every label of the job, compared case-insensitively.
 */
import type { Job } from "./jobs.js";
import type { Runner } from "./runner-registry.js";
import { scopeServesRepo } from "./runner-scope.js";

export function labelsMatch(runner: Runner, jobLabels: readonly string[]): boolean {
  const have = new Set(runner.labels.map((l) => l.name.toLowerCase()));
  return jobLabels.every((label) => have.has(label.toLowerCase()));
}

export function canTake(runner: Runner, job: Job): boolean {
  return (
    runner.session !== undefined &&
    runner.runningJobId === undefined &&
    runner.assignedJobId === undefined &&
    scopeServesRepo(runner.scope, job.repo) &&
    labelsMatch(runner, job.labels)
  );
}

/**
 * Any eligible runner, chosen with `random` (GitHub does not favour the runner "booted for" a
 * job). Runners that already let this job's acquire deadline pass come last: a re-queued job goes
 * to another runner when there is one.
 */
export function pickRunner(
  job: Job,
  runners: readonly Runner[],
  random: () => number,
  passedOver: ReadonlySet<number> = new Set(),
): Runner | undefined {
  const all = runners.filter((r) => canTake(r, job));
  const fresh = all.filter((r) => !passedOver.has(r.id));
  const eligible = fresh.length > 0 ? fresh : all;
  if (eligible.length === 0) return undefined;
  return eligible[Math.min(eligible.length - 1, Math.floor(random() * eligible.length))];
}
