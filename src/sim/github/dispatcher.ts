/**
 * The simulated GitHub Actions side: creates workflow jobs, publishes their `workflow_job`
 * webhooks, routes them to runners (job-router.ts) and offers the knobs and waits tests need.
 */
import type { Clock } from "../../clock.js";
import { fullName, type Account, type Site } from "./accounts.js";
import type { Changes } from "./changes.js";
import type { DeliveryRecord, Deliveries } from "./deliveries.js";
import type { DeliveryKnobs, DeliveryRule } from "./delivery-rules.js";
import { isoSeconds } from "./ids.js";
import { JobFactory, type EnqueueJobOptions } from "./job-factory.js";
import type { Installations } from "./installations.js";
import type { Job, JobStatus } from "./jobs.js";
import type { JobRouter } from "./job-router.js";
import { jobView, type JobView } from "./job-view.js";
import { pingPayload, workflowJobPayload, type WorkflowJobAction } from "./payloads.js";
import type { RepoDirectory } from "./repo-directory.js";

export type { EnqueueJobOptions } from "./job-factory.js";

export interface JobHandle {
  readonly id: number;
  readonly runId: number;
  readonly runAttempt: number;
  readonly repo: string;
  view(): JobView;
  /** Resolves once the job is completed. */
  settled(timeoutMs?: number): Promise<JobView>;
}

export interface RawDelivery {
  readonly event: string;
  /** Serialized with JSON.stringify unless `body` gives the exact bytes. */
  readonly payload?: unknown;
  readonly body?: string;
  /** Override or add headers (e.g. a forged signature). */
  readonly headers?: Record<string, string>;
  readonly knobs?: DeliveryKnobs;
}

export interface DispatcherDeps {
  readonly site: Site;
  readonly clock: Clock;
  readonly changes: Changes;
  readonly router: JobRouter;
  readonly deliveries: Deliveries;
  readonly installations: Installations;
  readonly repos: RepoDirectory;
  readonly appId: number;
  readonly sender: Account;
}

export class Dispatcher {
  readonly #deps: DispatcherDeps;
  readonly #factory: JobFactory;
  /** Knobs for the next delivery of a job (its first one, from enqueueJob/cancelJob). */
  readonly #nextKnobs = new Map<number, DeliveryKnobs>();

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
    this.#factory = new JobFactory(deps);
  }

  /** Called by the router for every job transition GitHub announces (internal to the fake). */
  publish(action: WorkflowJobAction, job: Job, statusOverride?: JobStatus): void {
    const { site, sender, deliveries } = this.#deps;
    const body = JSON.stringify(
      workflowJobPayload(
        site,
        action,
        job,
        { repo: job.repo, installationId: job.installationId, sender },
        statusOverride,
      ),
    );
    const knobs = this.#nextKnobs.get(job.id);
    this.#nextKnobs.delete(job.id);
    const meta = {
      event: "workflow_job",
      action,
      jobId: job.id,
      installationId: job.installationId,
      repositoryId: job.repo.id,
    };
    const sent = deliveries.emit(meta, body, knobs);
    this.#deps.router.note(job, "delivery", { action, guid: sent[0]?.guid, dropped: knobs?.drop === true });
  }

  enqueueJob(options: EnqueueJobOptions): JobHandle {
    const job = this.#factory.create(options);
    const { router } = this.#deps;
    router.add(job);
    router.note(job, job.status, { createdAt: isoSeconds(job.createdAtMs) });
    if (options.delivery !== undefined) this.#nextKnobs.set(job.id, options.delivery);
    if (options.waitingFirst === true) {
      // Captured deliveries of environment-gated jobs: `queued` carrying status `waiting`, then `waiting`.
      this.publish("queued", job, "waiting");
      this.publish("waiting", job);
    } else {
      this.publish("queued", job);
      router.pump();
    }
    return this.#handle(job);
  }

  #handle(job: Job): JobHandle {
    return {
      id: job.id,
      runId: job.runId,
      runAttempt: job.runAttempt,
      repo: fullName(job.repo),
      view: () => jobView(job),
      settled: (timeoutMs) => this.jobSettled(job.id, timeoutMs),
    };
  }

  /** Approves an environment-gated job: `queued` again, then routable. */
  approve(jobId: number, delivery?: DeliveryKnobs): void {
    const job = this.#job(jobId);
    if (job.status !== "waiting") throw new Error(`job ${jobId} is ${job.status}, not waiting`);
    job.status = "queued";
    this.#deps.router.note(job, "approved");
    if (delivery !== undefined) this.#nextKnobs.set(job.id, delivery);
    this.publish("queued", job);
    this.#deps.router.pump();
  }

  /** Queued: completed/cancelled now. Running: the runner's next renew answers cancelled. */
  cancelJob(jobId: number, delivery?: DeliveryKnobs): boolean {
    const job = this.#job(jobId);
    if (delivery !== undefined && job.status !== "in_progress") this.#nextKnobs.set(job.id, delivery);
    return this.#deps.router.cancel(job);
  }

  #job(jobId: number): Job {
    const job = this.#deps.router.get(jobId);
    if (job === undefined) throw new Error(`no job ${jobId}`);
    return job;
  }

  jobs(): JobView[] {
    return this.#deps.router.jobs().map(jobView);
  }

  job(jobId: number): JobView | undefined {
    const job = this.#deps.router.get(jobId);
    return job === undefined ? undefined : jobView(job);
  }

  /** Resolves with the first truthy value of `probe`, re-checked after every change in the fake. */
  waitFor<T>(probe: () => T | undefined | false | null, timeoutMs = 10_000, what?: string): Promise<T> {
    return this.#deps.changes.waitFor(probe, timeoutMs, what);
  }

  jobSettled(jobId: number, timeoutMs = 30_000): Promise<JobView> {
    return this.waitFor(
      () => {
        const job = this.job(jobId);
        return job?.status === "completed" ? job : undefined;
      },
      timeoutMs,
      `job ${jobId} to complete`,
    );
  }

  /** Resolves when no delivery is waiting to be sent (held ones excepted). */
  deliveriesIdle(timeoutMs = 15_000): Promise<true> {
    const pending = (): boolean => this.#deps.deliveries.list().some((d) => d.state === "pending");
    return this.waitFor(() => !pending(), timeoutMs, "deliveries to finish");
  }

  deliveries(): readonly DeliveryRecord[] {
    return this.#deps.deliveries.list();
  }

  addDeliveryRule(rule: DeliveryRule): { remove(): void } {
    return this.#deps.deliveries.rules.add(rule);
  }

  clearDeliveryRules(): void {
    this.#deps.deliveries.rules.clear();
  }

  /** Holds the next `count` deliveries, then releases them shuffled (injected random). */
  holdNext(count: number): void {
    this.#deps.deliveries.holdNext(count);
  }

  releaseHeld(): void {
    this.#deps.deliveries.releaseHeld();
  }

  redeliver(deliveryId: number): DeliveryRecord | undefined {
    return this.#deps.deliveries.redeliver(deliveryId);
  }

  /** The `ping` GitHub sends when an App's webhook is set up. */
  sendPing(knobs?: DeliveryKnobs): DeliveryRecord[] {
    const { site, deliveries, appId, sender, clock } = this.#deps;
    const meta = { event: "ping", action: null, jobId: null, installationId: null, repositoryId: null };
    const createdAtIso = isoSeconds(clock.now());
    return deliveries.emit(
      meta,
      (hook) =>
        JSON.stringify(pingPayload(site, { id: hook.id, appId, url: hook.url, createdAtIso }, sender)),
      knobs,
    );
  }

  /** Any event with any body, signed like the rest (tests: unknown events, forged headers). */
  sendRaw(raw: RawDelivery): DeliveryRecord[] {
    const body = raw.body ?? JSON.stringify(raw.payload ?? {});
    const action =
      typeof raw.payload === "object" && raw.payload !== null && "action" in raw.payload
        ? String((raw.payload as { action: unknown }).action)
        : null;
    const meta = { event: raw.event, action, jobId: null, installationId: null, repositoryId: null };
    return this.#deps.deliveries.emit(meta, body, raw.knobs, raw.headers);
  }
}
