/**
 * Per-job timelines (received → cloned → booted → runner online → job started → finished → VM
 * deleted), built from ledger events. A job's VM steps come from the VM that served it, or the VM
 * started for it when none did. Bounded: the oldest jobs are forgotten first.
 */
import { jobKey, type Ledger, type LedgerEvent } from "./model.js";

export interface TimelineStep {
  readonly at: number;
  readonly step: string;
  readonly detail?: string;
}

export interface JobTimeline {
  readonly job: string;
  readonly url: string | null;
  readonly steps: readonly TimelineStep[];
}

const VM_STEP: Readonly<Partial<Record<string, string>>> = {
  booting: "cloned",
  provisioning: "booted",
  idle: "runner online",
  busy: "job started",
};

export class JobTimelines {
  readonly #jobSteps = new Map<string, TimelineStep[]>();
  readonly #jobUrls = new Map<string, string | null>();
  readonly #vmSteps = new Map<string, TimelineStep[]>();
  /** VM name → job it serves (or was started for). */
  readonly #vmJob = new Map<string, string>();
  readonly #limit: number;

  constructor(limit = 200) {
    this.#limit = limit;
  }

  /** Feeds one event, with the ledger as it is after the event. */
  apply(event: LedgerEvent, ledger: Ledger): void {
    switch (event.type) {
      case "job-observed": {
        const key = jobKey(event.job.repo, event.job.jobId, event.job.runAttempt);
        if (!ledger.jobs.has(key)) return;
        this.#jobUrls.set(key, event.job.htmlUrl);
        const step =
          event.job.status === "queued"
            ? "received"
            : event.job.status === "completed"
              ? "finished"
              : event.job.status === "in_progress"
                ? "taken by runner"
                : "waiting";
        const detail =
          event.job.status === "completed"
            ? (event.job.conclusion ?? undefined)
            : (event.job.runnerName ?? undefined);
        this.#addJobStep(key, { at: event.at, step, ...(detail === undefined ? {} : { detail }) });
        if (event.job.runnerName !== null && ledger.vms.has(event.job.runnerName))
          this.#vmJob.set(event.job.runnerName, key);
        return;
      }
      case "vm-started":
        this.#vmJob.set(event.vm, event.forJob);
        this.#vmSteps.set(event.vm, [{ at: event.at, step: "vm started", detail: event.vm }]);
        return;
      case "vm-phase": {
        const step = VM_STEP[event.phase];
        if (step !== undefined) this.#vmSteps.get(event.vm)?.push({ at: event.at, step });
        const serving = ledger.vms.get(event.vm)?.servingJob;
        if (serving !== null && serving !== undefined) this.#vmJob.set(event.vm, serving);
        return;
      }
      case "vm-failed":
        this.#vmSteps.get(event.vm)?.push({ at: event.at, step: "vm failed", detail: event.reason });
        return;
      case "vm-gone":
        this.#vmSteps.get(event.vm)?.push({ at: event.at, step: "VM deleted" });
        return;
      case "job-given-up":
        this.#addJobStep(event.job, { at: event.at, step: "given up", detail: event.reason });
        return;
      case "vm-unneeded":
      case "vm-needed":
      case "job-pruned":
        return;
    }
  }

  /** Timelines of the most recent jobs, oldest first. */
  list(): JobTimeline[] {
    return [...this.#jobSteps.keys()].map((job) => this.get(job)).filter((t): t is JobTimeline => t !== null);
  }

  get(job: string): JobTimeline | null {
    const own = this.#jobSteps.get(job);
    if (own === undefined) return null;
    const vms = [...this.#vmJob.entries()].filter(([, forJob]) => forJob === job).map(([vm]) => vm);
    const vmSteps = vms.flatMap((vm) => this.#vmSteps.get(vm) ?? []);
    const steps = [...own, ...vmSteps].sort((a, b) => a.at - b.at);
    return { job, url: this.#jobUrls.get(job) ?? null, steps };
  }

  #addJobStep(job: string, step: TimelineStep): void {
    const steps = this.#jobSteps.get(job) ?? [];
    steps.push(step);
    this.#jobSteps.set(job, steps);
    if (this.#jobSteps.size > this.#limit) {
      const oldest = this.#jobSteps.keys().next().value;
      if (oldest !== undefined) {
        this.#jobSteps.delete(oldest);
        this.#jobUrls.delete(oldest);
        for (const [vm, forJob] of this.#vmJob) {
          if (forJob !== oldest) continue;
          this.#vmJob.delete(vm);
          this.#vmSteps.delete(vm);
        }
      }
    }
  }
}
