/**
 * GitHub's job routing: queued jobs, oldest first, are handed to an eligible runner's long-poll;
 * a job not acquired within `acquireTimeoutMs` goes back to the queue; an acquired job runs while
 * the runner renews its lease, and fails when the lease lapses or the runner disappears. Ephemeral
 * runners are deleted after their one job.
 */
import type { Clock } from "../../clock.js";
import type { JobAssignment } from "../runner-protocol.js";
import { fullName } from "./accounts.js";
import { sleepUnlessAborted, type Changes } from "./changes.js";
import type { Conclusion, Job, JobStatus } from "./jobs.js";
import type { WorkflowJobAction } from "./payloads.js";
import type { Runner, RunnerRegistry } from "./runner-registry.js";
import { pickRunner } from "./runner-matching.js";
import type { TaskGroup } from "./task-group.js";

export interface JobRouterDeps {
  readonly clock: Clock;
  readonly tasks: TaskGroup;
  readonly changes: Changes;
  readonly registry: RunnerRegistry;
  readonly random: () => number;
  readonly acquireTimeoutMs: number;
  readonly leaseMs: number;
  /** Publishes a `workflow_job` webhook for the job's current state. */
  readonly publish: (action: WorkflowJobAction, job: Job, statusOverride?: JobStatus) => void;
}

export type RunnerResult = "Succeeded" | "Failed" | "Canceled";

export class JobRouter {
  readonly #deps: JobRouterDeps;
  readonly #jobs = new Map<number, Job>();
  /** Per job: aborts its acquire deadline or its lease watch. */
  readonly #timers = new Map<number, AbortController>();
  /** Per job: runners that let its acquire deadline pass. */
  readonly #passedOver = new Map<number, Set<number>>();

  constructor(deps: JobRouterDeps) {
    this.#deps = deps;
  }

  jobs(): Job[] {
    return [...this.#jobs.values()];
  }

  get(id: number): Job | undefined {
    return this.#jobs.get(id);
  }

  note(job: Job, event: string, detail?: Record<string, unknown>): void {
    job.timeline.push({ atMs: this.#deps.clock.now(), event, ...(detail === undefined ? {} : { detail }) });
    this.#deps.changes.notify();
  }

  add(job: Job): void {
    this.#jobs.set(job.id, job);
  }

  /** Hands every queued, unassigned job (oldest first) to an eligible runner, if there is one. */
  pump(): void {
    for (const job of this.#jobs.values()) {
      if (job.status !== "queued" || job.assignedRunnerId !== undefined) continue;
      const runner = pickRunner(
        job,
        this.#deps.registry.list(),
        this.#deps.random,
        this.#passedOver.get(job.id),
      );
      if (runner === undefined) continue;
      job.assignedRunnerId = runner.id;
      runner.assignedJobId = job.id;
      this.note(job, "assigned", { runnerId: runner.id, runnerName: runner.name });
      this.#watch(job, async (signal) => {
        if (!(await sleepUnlessAborted(this.#deps.clock, this.#deps.acquireTimeoutMs, signal))) return;
        const passed = this.#passedOver.get(job.id) ?? new Set<number>();
        passed.add(runner.id);
        this.#passedOver.set(job.id, passed);
        this.requeue(job, "not acquired in time");
      });
    }
  }

  #watch(job: Job, body: (signal: AbortSignal) => Promise<void>): void {
    this.#timers.get(job.id)?.abort();
    const controller = new AbortController();
    this.#timers.set(job.id, controller);
    const signal = AbortSignal.any([controller.signal, this.#deps.tasks.signal]);
    this.#deps.tasks.spawn(() => body(signal));
  }

  #stopWatch(job: Job): void {
    this.#timers.get(job.id)?.abort();
    this.#timers.delete(job.id);
  }

  #unassign(job: Job): void {
    const runner =
      job.assignedRunnerId === undefined ? undefined : this.#deps.registry.get(job.assignedRunnerId);
    if (runner?.assignedJobId === job.id) runner.assignedJobId = undefined;
    job.assignedRunnerId = undefined;
    this.#stopWatch(job);
  }

  /** Takes an assignment back from its runner and queues the job again. */
  requeue(job: Job, reason: string): void {
    this.#unassign(job);
    this.note(job, "requeued", { reason });
    this.pump();
  }

  /** What a polling runner receives: its pending assignment, if any. */
  handOut(runner: Runner): JobAssignment | undefined {
    const job = runner.assignedJobId === undefined ? undefined : this.#jobs.get(runner.assignedJobId);
    if (job === undefined) return undefined;
    if (!job.timeline.some((t) => t.event === "handed" && t.detail?.["runnerId"] === runner.id))
      this.note(job, "handed", { runnerId: runner.id });
    return {
      jobId: job.id,
      runId: job.runId,
      name: job.name,
      repo: fullName(job.repo),
      durationMs: job.durationMs,
      result: job.result === "success" ? "Succeeded" : "Failed",
    };
  }

  acquire(runner: Runner, jobId: number): boolean {
    const job = this.#jobs.get(jobId);
    if (job === undefined || job.assignedRunnerId !== runner.id || runner.assignedJobId !== jobId)
      return false;
    const now = this.#deps.clock.now();
    runner.assignedJobId = undefined;
    runner.runningJobId = jobId;
    job.assignedRunnerId = undefined;
    job.status = "in_progress";
    job.startedAtMs = now;
    job.lastRenewMs = now;
    job.runner = { id: runner.id, name: runner.name, groupId: runner.group.id, groupName: runner.group.name };
    this.note(job, "acquired", { runnerId: runner.id });
    this.#deps.publish("in_progress", job);
    this.#watch(job, async (signal) => {
      for (;;) {
        const left = job.lastRenewMs + this.#deps.leaseMs - this.#deps.clock.now();
        if (left <= 0) return this.finish(job, "failure", "runner lost: lease not renewed");
        if (!(await sleepUnlessAborted(this.#deps.clock, left, signal))) return;
      }
    });
    return true;
  }

  /** Heartbeat; undefined when the job is not running on this runner. */
  renew(runner: Runner, jobId: number): { cancelled: boolean } | undefined {
    const job = this.#jobs.get(jobId);
    if (job === undefined || runner.runningJobId !== jobId || job.status !== "in_progress") return undefined;
    job.lastRenewMs = this.#deps.clock.now();
    return { cancelled: job.cancelRequested };
  }

  complete(runner: Runner, jobId: number, result: RunnerResult): boolean {
    const job = this.#jobs.get(jobId);
    if (job === undefined || runner.runningJobId !== jobId || job.status !== "in_progress") return false;
    const conclusion: Conclusion =
      job.cancelRequested || result === "Canceled"
        ? "cancelled"
        : result === "Succeeded"
          ? "success"
          : "failure";
    this.finish(job, conclusion, `runner reported ${result}`);
    return true;
  }

  /** Ends a job; its runner becomes idle, or is deleted when ephemeral. */
  finish(job: Job, conclusion: Conclusion, reason: string): void {
    if (job.status === "completed") return;
    this.#stopWatch(job);
    this.#passedOver.delete(job.id);
    const now = this.#deps.clock.now();
    job.status = "completed";
    job.conclusion = conclusion;
    job.completedAtMs = now;
    this.note(job, "completed", { conclusion, reason });
    const runner = job.runner === null ? undefined : this.#deps.registry.get(job.runner.id);
    if (runner !== undefined && runner.runningJobId === job.id) {
      runner.runningJobId = undefined;
      runner.idleSinceMs = now;
      if (runner.ephemeral) this.removeRunner(runner, "ephemeral runner finished its job");
    }
    this.#deps.publish("completed", job);
    this.pump();
  }

  /** Cancels a job: at once when nobody runs it, else through the runner's next renew. */
  cancel(job: Job): boolean {
    if (job.status === "completed") return false;
    if (job.status === "in_progress") {
      job.cancelRequested = true;
      this.note(job, "cancel-requested");
      return true;
    }
    this.#unassign(job);
    this.finish(job, "cancelled", "cancelled before a runner took it");
    return true;
  }

  /** The runner is gone or unreachable: its assignment is re-queued, its running job fails. */
  runnerGone(runner: Runner, reason: string): void {
    const assigned = runner.assignedJobId === undefined ? undefined : this.#jobs.get(runner.assignedJobId);
    if (assigned !== undefined) this.requeue(assigned, reason);
    const running = runner.runningJobId === undefined ? undefined : this.#jobs.get(runner.runningJobId);
    if (running !== undefined) this.finish(running, "failure", `runner lost: ${reason}`);
  }

  removeRunner(runner: Runner, reason: string): void {
    if (this.#deps.registry.remove(runner.id) === undefined) return;
    this.runnerGone(runner, reason);
  }
}
