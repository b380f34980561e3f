/**
 * How the fake Actions service hands jobs to scale sets:
 * - a queued job is offered (`JobAvailable`) to one scale set whose labels include all of the
 *   job's (case-insensitive) and that has the most spare advertised capacity
 *   (`X-ScaleSetMaxCapacity` minus the jobs already given to it and not yet started);
 * - the set that acquires it in time gets `JobAssigned`; a set that does not is passed over;
 * - a JIT runner of that set takes it (`JobStarted`), finishes it (`JobCompleted`) and is deleted;
 * - when no runner comes within `runnerTimeoutMs` the job is offered again, at most 3 times
 *   (research summary: "a job can be reassigned up to 3 times" — an observation, not source);
 *   after that it stays with its last set.
 * The statistics of a set follow actions/scaleset types.go `RunnerScaleSetStatistic`.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../../clock.js";
import { sleepUnlessAborted, type Changes } from "../github/changes.js";
import type { TaskGroup } from "../github/task-group.js";
import type { JobMessage } from "./message-queue.js";
import type { ScaleSet, ScaleSets } from "./scale-sets.js";

export const MAX_REASSIGNMENTS = 3;

export type JobState = "available" | "assigned" | "running" | "completed";
export type JobResult = "Succeeded" | "Failed" | "Canceled";

export interface SimJob {
  readonly runnerRequestId: number;
  readonly jobId: string;
  /** `owner/name`. */
  readonly repo: string;
  readonly labels: readonly string[];
  readonly name: string;
  readonly workflowRunId: number;
  readonly durationMs: number;
  readonly result: "Succeeded" | "Failed";
  readonly queueTimeMs: number;
  state: JobState;
  offeredTo: number | undefined;
  assignedTo: number | undefined;
  scaleSetAssignTimeMs: number | undefined;
  runnerAssignTimeMs: number | undefined;
  finishTimeMs: number | undefined;
  runnerId: number | undefined;
  runnerName: string | undefined;
  conclusion: JobResult | undefined;
  reassignments: number;
  lastRenewMs: number;
  /** Scale sets that let an offer lapse or whose runner never came. */
  readonly passedOver: Set<number>;
  /** Every scale set that acquired it, in order. */
  readonly assignments: number[];
  readonly timers: { offer?: AbortController; runner?: AbortController; lease?: AbortController };
}

export interface ScaleSetRunner {
  readonly id: number;
  readonly name: string;
  readonly scaleSetId: number;
  readonly credential: string;
  readonly workFolder: string;
  session: string | undefined;
  handedJob: number | undefined;
  runningJob: number | undefined;
}

export interface NewJob {
  readonly repo: string;
  readonly labels: readonly string[];
  readonly name?: string;
  readonly durationMs?: number;
  readonly result?: "Succeeded" | "Failed";
}

export interface JobAssignerDeps {
  readonly clock: Clock;
  readonly random: () => number;
  readonly tasks: TaskGroup;
  readonly changes: Changes;
  readonly sets: ScaleSets;
  readonly serviceUrl: () => string;
  readonly offerTimeoutMs: number;
  readonly runnerTimeoutMs: number;
  readonly leaseMs: number;
  /** A session nobody polls for this long no longer gets offers and may be taken over. */
  readonly sessionTimeoutMs: number;
}

const iso = (ms: number | undefined): string =>
  ms === undefined ? "0001-01-01T00:00:00Z" : new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export class JobAssigner {
  readonly #deps: JobAssignerDeps;
  readonly #jobs = new Map<number, SimJob>();
  readonly #runners = new Map<number, ScaleSetRunner>();
  #nextRequestId = 1001;
  #nextRunId = 5001;
  #nextRunnerId = 901;

  constructor(deps: JobAssignerDeps) {
    this.#deps = deps;
  }

  jobs(): SimJob[] {
    return [...this.#jobs.values()];
  }

  job(id: number): SimJob | undefined {
    return this.#jobs.get(id);
  }

  runners(): ScaleSetRunner[] {
    return [...this.#runners.values()];
  }

  runner(id: number): ScaleSetRunner | undefined {
    return this.#runners.get(id);
  }

  enqueue(spec: NewJob): SimJob {
    const job: SimJob = {
      runnerRequestId: this.#nextRequestId++,
      jobId: randomUUID(),
      repo: spec.repo,
      labels: [...spec.labels],
      name: spec.name ?? "build",
      workflowRunId: this.#nextRunId++,
      durationMs: spec.durationMs ?? 0,
      result: spec.result ?? "Succeeded",
      queueTimeMs: this.#deps.clock.now(),
      state: "available",
      offeredTo: undefined,
      assignedTo: undefined,
      scaleSetAssignTimeMs: undefined,
      runnerAssignTimeMs: undefined,
      finishTimeMs: undefined,
      runnerId: undefined,
      runnerName: undefined,
      conclusion: undefined,
      reassignments: 0,
      lastRenewMs: 0,
      passedOver: new Set(),
      assignments: [],
      timers: {},
    };
    this.#jobs.set(job.runnerRequestId, job);
    this.pump();
    return job;
  }

  /** The JSON of a job message (types.go JobMessageBase plus the type's own fields). */
  message(
    job: SimJob,
    messageType: "JobAvailable" | "JobAssigned" | "JobStarted" | "JobCompleted",
  ): JobMessage {
    const [owner = "", name = ""] = job.repo.split("/");
    const base = {
      messageType,
      runnerRequestId: job.runnerRequestId,
      repositoryName: name,
      ownerName: owner,
      jobId: job.jobId,
      jobWorkflowRef: `${job.repo}/.github/workflows/ci.yml@refs/heads/main`,
      jobDisplayName: job.name,
      workflowRunId: job.workflowRunId,
      eventName: "push",
      requestLabels: [...job.labels],
      queueTime: iso(job.queueTimeMs),
      scaleSetAssignTime: iso(job.scaleSetAssignTimeMs),
      runnerAssignTime: iso(job.runnerAssignTimeMs),
      finishTime: iso(job.finishTimeMs),
    };
    const setId = job.offeredTo ?? job.assignedTo ?? 0;
    switch (messageType) {
      case "JobAvailable":
        return {
          ...base,
          acquireJobUrl: `${this.#deps.serviceUrl()}/_apis/runtime/runnerscalesets/${setId}/acquirejobs`,
        };
      case "JobAssigned":
        return base;
      case "JobStarted":
        return { ...base, runnerId: job.runnerId ?? 0, runnerName: job.runnerName ?? "" };
      case "JobCompleted":
        return {
          ...base,
          result: job.conclusion ?? "Failed",
          runnerId: job.runnerId ?? 0,
          runnerName: job.runnerName ?? "",
        };
    }
  }

  #send(set: ScaleSet | undefined, job: SimJob, type: Parameters<JobAssigner["message"]>[1]): void {
    if (set === undefined) return;
    set.queue.push(this.message(job, type));
    this.#deps.changes.notify();
  }

  #matches(set: ScaleSet, job: SimJob): boolean {
    const have = new Set(set.labels.map((l) => l.name.toLowerCase()));
    return job.labels.every((l) => have.has(l.toLowerCase()));
  }

  /** Advertised capacity minus what the set was given and has not started. */
  spare(set: ScaleSet): number {
    if (!this.live(set)) return 0;
    let taken = 0;
    for (const job of this.#jobs.values())
      if (
        (job.state === "available" && job.offeredTo === set.id) ||
        (job.state === "assigned" && job.assignedTo === set.id)
      )
        taken += 1;
    return set.capacity - taken;
  }

  /** Whether the set has a session whose listener was seen recently. */
  live(set: ScaleSet): boolean {
    return (
      set.session !== undefined &&
      this.#deps.clock.now() - set.session.lastSeenMs <= this.#deps.sessionTimeoutMs
    );
  }

  /** Offers every unoffered available job, oldest first, to the matching set with most room. */
  pump(): void {
    for (const job of this.#jobs.values()) {
      if (job.state !== "available" || job.offeredTo !== undefined) continue;
      const all = this.#deps.sets.list().filter((s) => this.#matches(s, job) && this.spare(s) > 0);
      const fresh = all.filter((s) => !job.passedOver.has(s.id));
      const candidates = fresh.length > 0 ? fresh : all;
      if (candidates.length === 0) continue;
      const best = Math.max(...candidates.map((s) => this.spare(s)));
      const top = candidates.filter((s) => this.spare(s) === best);
      const set = top[Math.min(top.length - 1, Math.floor(this.#deps.random() * top.length))];
      if (set === undefined) continue;
      job.offeredTo = set.id;
      this.#send(set, job, "JobAvailable");
      this.#timer(job, "offer", this.#deps.offerTimeoutMs, () => {
        if (job.state !== "available" || job.offeredTo !== set.id) return;
        job.passedOver.add(set.id);
        job.offeredTo = undefined;
        this.pump();
      });
    }
  }

  #timer(job: SimJob, kind: "offer" | "runner", ms: number, fire: () => void): void {
    job.timers[kind]?.abort();
    const controller = new AbortController();
    job.timers[kind] = controller;
    const signal = AbortSignal.any([controller.signal, this.#deps.tasks.signal]);
    this.#deps.tasks.spawn(async () => {
      if (await sleepUnlessAborted(this.#deps.clock, ms, signal)) fire();
    });
  }

  /** `acquirejobs`: the ids this set may have (offered to it and still available). */
  acquire(set: ScaleSet, ids: readonly number[]): number[] {
    const acquired: number[] = [];
    const now = this.#deps.clock.now();
    for (const id of ids) {
      const job = this.#jobs.get(id);
      if (job === undefined || job.state !== "available" || job.offeredTo !== set.id) continue;
      job.timers.offer?.abort();
      job.offeredTo = undefined;
      job.state = "assigned";
      job.assignedTo = set.id;
      job.scaleSetAssignTimeMs = now;
      job.assignments.push(set.id);
      acquired.push(id);
      this.#send(set, job, "JobAssigned");
      this.#timer(job, "runner", this.#deps.runnerTimeoutMs, () => this.#runnerDidNotCome(job, set.id));
    }
    this.pump();
    return acquired;
  }

  #runnerDidNotCome(job: SimJob, setId: number): void {
    if (job.state !== "assigned" || job.assignedTo !== setId || job.runnerId !== undefined) return;
    if (job.reassignments >= MAX_REASSIGNMENTS) return;
    job.reassignments += 1;
    job.passedOver.add(setId);
    job.state = "available";
    job.assignedTo = undefined;
    job.scaleSetAssignTimeMs = undefined;
    this.#deps.changes.notify();
    this.pump();
  }

  createRunner(set: ScaleSet, name: string, workFolder: string): ScaleSetRunner | undefined {
    if (this.runners().some((r) => r.name.toLowerCase() === name.toLowerCase())) return undefined;
    const runner: ScaleSetRunner = {
      id: this.#nextRunnerId++,
      name,
      scaleSetId: set.id,
      credential: randomUUID(),
      workFolder,
      session: undefined,
      handedJob: undefined,
      runningJob: undefined,
    };
    this.#runners.set(runner.id, runner);
    this.#deps.changes.notify();
    return runner;
  }

  removeRunner(id: number): boolean {
    const runner = this.#runners.get(id);
    if (runner === undefined) return false;
    this.#runners.delete(id);
    const running = runner.runningJob === undefined ? undefined : this.#jobs.get(runner.runningJob);
    if (running !== undefined) this.#finish(running, "Failed");
    this.#deps.changes.notify();
    return true;
  }

  /** A JIT runner's poll: an assigned job of its set no other runner holds. */
  handOut(runner: ScaleSetRunner): SimJob | undefined {
    if (runner.runningJob !== undefined) return undefined;
    if (runner.handedJob !== undefined) return this.#jobs.get(runner.handedJob);
    const held = new Set(this.runners().map((r) => r.handedJob));
    const job = this.jobs().find(
      (j) => j.state === "assigned" && j.assignedTo === runner.scaleSetId && !held.has(j.runnerRequestId),
    );
    if (job !== undefined) runner.handedJob = job.runnerRequestId;
    return job;
  }

  start(runner: ScaleSetRunner, id: number): boolean {
    const job = this.#jobs.get(id);
    if (job === undefined || runner.handedJob !== id || job.state !== "assigned") return false;
    const now = this.#deps.clock.now();
    runner.handedJob = undefined;
    runner.runningJob = id;
    job.timers.runner?.abort();
    job.state = "running";
    job.runnerId = runner.id;
    job.runnerName = runner.name;
    job.runnerAssignTimeMs = now;
    job.lastRenewMs = now;
    this.#send(this.#deps.sets.get(runner.scaleSetId), job, "JobStarted");
    const lease = new AbortController();
    job.timers.lease = lease;
    const signal = AbortSignal.any([lease.signal, this.#deps.tasks.signal]);
    this.#deps.tasks.spawn(async () => {
      for (;;) {
        const left = job.lastRenewMs + this.#deps.leaseMs - this.#deps.clock.now();
        if (left <= 0) {
          this.#finish(job, "Failed");
          return;
        }
        if (!(await sleepUnlessAborted(this.#deps.clock, left, signal))) return;
      }
    });
    return true;
  }

  renew(runner: ScaleSetRunner, id: number): boolean {
    const job = this.#jobs.get(id);
    if (job === undefined || runner.runningJob !== id || job.state !== "running") return false;
    job.lastRenewMs = this.#deps.clock.now();
    return true;
  }

  complete(runner: ScaleSetRunner, id: number, result: JobResult): boolean {
    const job = this.#jobs.get(id);
    if (job === undefined || runner.runningJob !== id || job.state !== "running") return false;
    this.#finish(job, result);
    return true;
  }

  #finish(job: SimJob, result: JobResult): void {
    if (job.state === "completed") return;
    job.timers.lease?.abort();
    job.timers.runner?.abort();
    job.timers.offer?.abort();
    job.state = "completed";
    job.conclusion = result;
    job.finishTimeMs = this.#deps.clock.now();
    this.#send(this.#deps.sets.get(job.assignedTo ?? -1), job, "JobCompleted");
    const runner = job.runnerId === undefined ? undefined : this.#runners.get(job.runnerId);
    if (runner !== undefined && runner.runningJob === job.runnerRequestId) {
      runner.runningJob = undefined;
      // Scale-set JIT runners are ephemeral: deleted after their one job.
      this.#runners.delete(runner.id);
    }
    this.#deps.changes.notify();
    this.pump();
  }

  statistics(set: ScaleSet): Record<string, number> {
    const jobs = this.jobs();
    const runners = this.runners().filter((r) => r.scaleSetId === set.id);
    const busy = runners.filter((r) => r.runningJob !== undefined).length;
    return {
      totalAvailableJobs: jobs.filter((j) => j.state === "available" && j.offeredTo === set.id).length,
      totalAcquiredJobs: jobs.filter((j) => j.state === "assigned" && j.assignedTo === set.id).length,
      totalAssignedJobs: jobs.filter(
        (j) => (j.state === "assigned" || j.state === "running") && j.assignedTo === set.id,
      ).length,
      totalRunningJobs: jobs.filter((j) => j.state === "running" && j.assignedTo === set.id).length,
      totalRegisteredRunners: runners.length,
      totalBusyRunners: busy,
      totalIdleRunners: runners.length - busy,
    };
  }
}
