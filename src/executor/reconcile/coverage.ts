/**
 * Coverage: which of our VMs stands ready for which queued job. GitHub hands a queued job to any
 * idle runner with matching labels, so coverage is a count per label set, not a binding; the
 * matching below only decides which jobs still lack a VM.
 */
import type { JobRecord, Ledger, VmPhase, VmRecord } from "../model.js";
import { canServe } from "./labels.js";
import { jobsBySeq, vmsByAge } from "./order.js";

const COVERABLE_PHASES: ReadonlySet<VmPhase> = new Set(["cloning", "booting", "provisioning", "idle"]);

/** A VM that is on its way to, or is, an idle runner that has not taken a job. */
export function isCoverable(vm: VmRecord): boolean {
  return vm.servingJob === null && COVERABLE_PHASES.has(vm.phase);
}

/**
 * A runner that has taken a job the webhooks have not named yet (its log said "Running job"
 * before GitHub's in_progress delivery arrived). It took one of the queued jobs its labels match,
 * so until the delivery says which, it counts as covering one of them: otherwise every such
 * moment would start a spare VM that then sits idle.
 */
function tookUnnamedJob(vm: VmRecord): boolean {
  return vm.servingJob === null && vm.phase === "busy";
}

/** A job GitHub will dispatch and that we still try to serve. `waiting` jobs are not dispatched. */
export function needsRunner(job: JobRecord): boolean {
  return job.status === "queued" && job.givenUp === null;
}

/** Queued jobs that need a runner, in arrival order. */
export function queuedJobs(ledger: Ledger): JobRecord[] {
  return jobsBySeq(ledger).filter(needsRunner);
}

/**
 * Greedy matching in arrival order: a job takes the VM made for it if that one is still free,
 * else the oldest free VM that can serve it. Each VM covers at most one job. A busy VM whose job
 * is not named yet covers too (see tookUnnamedJob).
 * Returns job key → VM name.
 */
export function coverage(ledger: Ledger): Map<string, string> {
  const free = vmsByAge(ledger).filter((vm) => isCoverable(vm) || tookUnnamedJob(vm));
  const taken = new Set<string>();
  const result = new Map<string, string>();
  for (const job of queuedJobs(ledger)) {
    const usable = (vm: VmRecord): boolean => !taken.has(vm.name) && canServe(vm.spec, job.spec);
    const vm = free.find((v) => v.forJob === job.key && usable(v)) ?? free.find(usable);
    if (vm !== undefined) {
      taken.add(vm.name);
      result.set(job.key, vm.name);
    }
  }
  return result;
}
