/**
 * Starting VMs for uncovered queued jobs in strict arrival order, giving up on jobs we cannot
 * serve, and pruning old tombstones.
 */
import type { Action, Capacity, JobRecord, Ledger, ReconcilePolicy } from "../model.js";
import { fits, neverFits, usage, withSpec } from "./capacity.js";
import { queuedJobs } from "./coverage.js";
import { jobsBySeq } from "./order.js";

/**
 * Give-ups and starts, in arrival order. The first uncovered job that does not fit stops all
 * starts behind it, so a big job is never starved by small ones. Give-ups do not need capacity
 * and are emitted for every uncovered job that qualifies.
 */
export function startActions(
  ledger: Ledger,
  covered: ReadonlyMap<string, string>,
  capacity: Capacity,
  policy: ReconcilePolicy,
  now: number,
): Action[] {
  const actions: Action[] = [];
  let used = usage(ledger);
  let blocked = !capacity.accepting;
  for (const job of queuedJobs(ledger)) {
    if (covered.has(job.key)) continue;
    const reason = giveUpReason(job, capacity, policy);
    if (reason !== null) {
      actions.push({ type: "give-up-job", job: job.key, reason });
      continue;
    }
    if (blocked) continue;
    if (!fits(used, job.spec, capacity)) {
      blocked = true;
      continue;
    }
    // A job waiting out its retry backoff keeps its place and its share of the capacity.
    if (!inBackoff(job, now, policy)) actions.push({ type: "start-vm", forJob: job.key, spec: job.spec });
    used = withSpec(used, job.spec);
  }
  return actions;
}

/** True while a job whose last VM failed must wait before the next attempt. */
export function inBackoff(job: JobRecord, now: number, policy: ReconcilePolicy): boolean {
  if (job.lastFailureAt === null || job.attempts === 0) return false;
  const wait = (policy.retryBackoffMs ?? 0) * 2 ** (job.attempts - 1);
  return now - job.lastFailureAt < wait;
}

function giveUpReason(job: JobRecord, capacity: Capacity, policy: ReconcilePolicy): string | null {
  if (job.attempts >= policy.maxAttempts) {
    const last = job.lastFailure === null ? "" : `; the last: ${job.lastFailure}`;
    return `${job.attempts} VM attempts failed (limit ${policy.maxAttempts})${last}`;
  }
  return neverFits(job.spec, capacity);
}

/** Finished jobs past the tombstone period that no VM still refers to. */
export function pruneActions(ledger: Ledger, now: number, policy: ReconcilePolicy): Action[] {
  const referenced = new Set<string>();
  for (const vm of ledger.vms.values()) {
    referenced.add(vm.forJob);
    if (vm.servingJob !== null) referenced.add(vm.servingJob);
  }
  return jobsBySeq(ledger)
    .filter((job) => {
      const finished = finishedAt(job);
      return finished !== null && now - finished >= policy.tombstoneMs && !referenced.has(job.key);
    })
    .map((job) => ({ type: "prune-job", job: job.key }));
}

/** When the job stopped mattering: the later of completion and give-up, or null while it is live. */
function finishedAt(job: JobRecord): number | null {
  const times = [job.completedAt, job.givenUp?.at ?? null].filter((t): t is number => t !== null);
  return times.length === 0 ? null : Math.max(...times);
}
