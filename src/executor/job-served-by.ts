import type { ServedJob } from "./vm-lifecycle-deps.js";
import type { Ledger } from "./model.js";

/**
 * The job a VM's runner is running, as the ledger knows it: the one GitHub said the runner took
 * (`servingJob`, from the in_progress delivery), else the job the VM was started for.
 */
export function jobServedBy(ledger: Ledger, vm: string): ServedJob | null {
  const record = ledger.vms.get(vm);
  if (record === undefined) return null;
  const job = ledger.jobs.get(record.servingJob ?? record.forJob);
  if (job === undefined) return null;
  return {
    key: job.key,
    htmlUrl: job.htmlUrl,
    completed: job.completedAt !== null,
    tookJob: record.tookJob,
  };
}
