/** Job counts for status pages and metrics. */
import type { Ledger } from "../model.js";

export interface JobCounts {
  readonly queued: number;
  readonly waiting: number;
  readonly inProgress: number;
  readonly completed: number;
  /** Jobs we stopped trying to serve and that have not completed. */
  readonly givenUp: number;
}

/** Counts every job exactly once: completed first, then given up, then by status. */
export function jobCounts(ledger: Ledger): JobCounts {
  const counts = { queued: 0, waiting: 0, inProgress: 0, completed: 0, givenUp: 0 };
  for (const job of ledger.jobs.values()) {
    if (job.status === "completed") counts.completed += 1;
    else if (job.givenUp !== null) counts.givenUp += 1;
    else if (job.status === "queued") counts.queued += 1;
    else if (job.status === "waiting") counts.waiting += 1;
    else counts.inProgress += 1;
  }
  return counts;
}
