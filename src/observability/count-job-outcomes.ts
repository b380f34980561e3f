/** `tart_executor_jobs_total` by outcome and the queue-wait histogram, from ledger events as they happen. */
import { jobKey, type Ledger, type LedgerEvent } from "../executor/model.js";
import { isOwnVmName } from "../shared/vm-name.js";
import type { ExecutorMetrics } from "./executor-metrics.js";

export function countJobOutcomes(
  event: LedgerEvent,
  ledger: Ledger,
  hostname: string,
  metrics: Pick<ExecutorMetrics, "observePhase" | "job">,
): void {
  if (event.type === "vm-started") {
    const job = ledger.jobs.get(event.forJob);
    if (job !== undefined && job.attempts === 0)
      metrics.observePhase("queue_wait", (event.at - job.firstSeenAt) / 1000);
    return;
  }
  if (event.type !== "job-observed" || event.job.status !== "completed") return;
  const job = ledger.jobs.get(jobKey(event.job.repo, event.job.jobId, event.job.runAttempt));
  if (job === undefined || job.completedAt !== event.at || job.givenUp !== null) return;
  if (job.runnerName !== null && isOwnVmName(job.runnerName, hostname)) metrics.job("served");
  else if (job.conclusion === "cancelled") metrics.job("cancelled");
}
