/**
 * Jobs GitHub handed to a runner of ours whose VM then stopped before it could run them. The VM's
 * lifecycle reports what it sees itself (a runner that said "Running job" and then lost its VM);
 * this watch covers the rest: GitHub's in_progress (or completed) naming a VM that had already
 * ended, or was being torn down, without having taken a job as far as the ledger knew. GitHub
 * fails such a job ("runner lost"), so the operator gets one warning naming the job and its URL.
 */
import type { Logger } from "pino";
import { jobKey, type Ledger, type LedgerEvent } from "./model.js";

/** VMs remembered after they ended; older ones are forgotten (a late delivery is minutes late at most). */
const REMEMBERED_VMS = 1_000;

export class LostJobWatch {
  readonly #log: Logger;
  /** VMs that went into teardown without having taken a job. */
  readonly #endedIdle = new Set<string>();

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Called with each event after it was applied to the ledger. */
  observe(event: LedgerEvent, ledger: Ledger): void {
    if (event.type === "vm-phase" && event.phase === "tearing-down") {
      const vm = ledger.vms.get(event.vm);
      if (vm !== undefined && !vm.tookJob) this.#remember(event.vm);
      return;
    }
    if (event.type !== "job-observed") return;
    const { runnerName, status } = event.job;
    if (runnerName === null || (status !== "in_progress" && status !== "completed")) return;
    if (!this.#endedIdle.delete(runnerName)) return;
    const job = event.job;
    if (status === "completed" && job.conclusion === "success") return; // it did run after all
    this.#log.warn(
      { vm: runnerName, job: jobKey(job.repo, job.jobId, job.runAttempt), url: job.htmlUrl ?? undefined },
      "GitHub gave this job to a runner whose VM had already stopped or was being torn down; GitHub fails it (runner lost)",
    );
  }

  #remember(vm: string): void {
    this.#endedIdle.add(vm);
    if (this.#endedIdle.size > REMEMBERED_VMS) {
      const oldest = this.#endedIdle.values().next().value;
      if (oldest !== undefined) this.#endedIdle.delete(oldest);
    }
  }
}
