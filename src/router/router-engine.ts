/**
 * The router's effects shell: records deliveries in the store, runs dispatch passes (after every
 * event, every answer and on a timer) and sends what planDispatch asks for. Every decision is the
 * pure planner's; this file only does the I/O and records what came of it.
 *
 * Durability before a dispatch: the forward-started event must be on disk before the request
 * leaves, or a crash could let the restarted router hand the job to a second host. The one
 * exception is a job dispatched in the same tick its delivery arrived: both events sit in the same
 * batch, so a crash loses both together (and GitHub never got its 202), and the forward can go out
 * while the disk write is still running.
 */
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import type { RouterHostConfig } from "../config/router-config.js";
import type { RouterMetrics } from "../observability/router-metrics.js";
import type { ForwardAttempt, ForwardClient } from "./forward-client.js";
import { forwardOutcome, logForward } from "./forward-report.js";
import { planDispatch } from "./plan-dispatch.js";
import type { Forward, JobFacts, RouterEvent, RouterState, StoredDelivery } from "./router-model.js";
import type { RouterStore } from "./router-store.js";
import { reportChanges } from "./state-changes.js";
import { TaskSet } from "./task-set.js";

export interface RouterEngineDeps {
  readonly store: RouterStore;
  readonly client: ForwardClient;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: RouterMetrics;
}

export type RecordResult = "accepted" | "duplicate" | "undeliverable";

export class RouterEngine {
  readonly #deps: RouterEngineDeps;
  readonly #urls: ReadonlyMap<string, string>;
  readonly #tasks: TaskSet;
  #passQueued = false;
  #stopping = false;
  #draining = false;

  /** While draining, no queued job is handed to a host; `false` resumes (not kept across restarts). */
  setDraining(draining: boolean): void {
    this.#draining = draining;
    if (!draining) this.schedulePass();
  }

  get draining(): boolean {
    return this.#draining;
  }

  constructor(deps: RouterEngineDeps) {
    this.#deps = deps;
    this.#urls = new Map(
      deps.store.state.policy.hosts.map((host: RouterHostConfig) => [host.hostname, host.url]),
    );
    this.#tasks = new TaskSet(deps.log);
  }

  get state(): RouterState {
    return this.#deps.store.state;
  }

  /** Records a delivery; resolves once it is durable (then GitHub may get its 202). */
  async record(facts: JobFacts, delivery: StoredDelivery): Promise<RecordResult> {
    if (this.#stopping) throw new Error("the router is shutting down");
    const existing = this.state.jobs.get(facts.key);
    if (existing?.deliveryIds.includes(delivery.id) === true) {
      // The first copy may still be on its way to disk; acknowledge this one no earlier.
      await this.#deps.store.flush();
      return "duplicate";
    }
    const durable = this.apply({ type: "delivery", at: this.#deps.clock.now(), facts, delivery });
    const undeliverable =
      existing?.undeliverable == null && this.state.jobs.get(facts.key)?.undeliverable != null;
    this.#pass(facts.key);
    await durable;
    return undeliverable ? "undeliverable" : "accepted";
  }

  /** Appends an event, reports what it changed, and returns its durability. */
  apply(event: RouterEvent): Promise<void> {
    const before = this.state;
    const durable = this.#deps.store.append(event);
    const touched = {
      ...("job" in event ? { job: event.job } : "facts" in event ? { job: event.facts.key } : {}),
      ...("host" in event ? { host: event.host } : {}),
    };
    reportChanges(before, this.state, touched, this.#deps.log);
    return durable;
  }

  /** Asks for a dispatch pass soon (coalesced). */
  schedulePass(): void {
    if (this.#passQueued || this.#stopping) return;
    this.#passQueued = true;
    queueMicrotask(() => {
      this.#passQueued = false;
      this.#pass(null);
    });
  }

  /** Stops starting forwards, waits for those in flight, and makes everything durable. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#tasks.settled();
    await this.#deps.store.close();
  }

  /** Runs work the engine must wait for at shutdown; failures are logged, never thrown. */
  track(task: Promise<void>): void {
    this.#tasks.add(task);
  }

  #pass(freshJob: string | null): void {
    if (this.#stopping) return;
    const now = this.#deps.clock.now();
    for (const forward of planDispatch(this.state, now)) {
      // Draining: queued jobs stay in the durable queue; later events of jobs still flow.
      if (this.#draining && forward.kind !== "event") continue;
      const started: RouterEvent =
        forward.kind === "event"
          ? { type: "event-started", at: now, host: forward.host, delivery: forward.delivery.id }
          : { type: "forward-started", at: now, job: forward.job, host: forward.host, kind: forward.kind };
      const durable = this.apply(started);
      if (forward.kind === "dispatch" && forward.job !== freshJob) {
        this.track(this.#send(forward, durable));
      } else {
        this.track(durable);
        this.track(this.#send(forward, Promise.resolve()));
      }
    }
  }

  async #send(forward: Forward, durable: Promise<void>): Promise<void> {
    const url = this.#urls.get(forward.host);
    let attempt: ForwardAttempt;
    try {
      await durable;
      if (url === undefined) throw new Error(`unknown host ${forward.host}`);
      attempt = await this.#deps.client.forward(url, forward.delivery);
    } catch (error) {
      // The intent could not be made durable: do not send, and take the job back.
      this.#deps.log.error({ err: error, host: forward.host }, "could not record a forward; not sent");
      attempt = { ok: false, failure: "not-sent", reason: "journal write failed", seconds: 0 };
    }
    this.#deps.metrics.forward(forward.host, forwardOutcome(attempt));
    this.#deps.metrics.observeForward(forward.host, attempt.seconds);
    logForward(this.#deps.log, forward, attempt);
    this.track(this.apply(resultEvent(forward, attempt, this.#deps.clock.now())));
    this.schedulePass();
  }
}

function resultEvent(forward: Forward, attempt: ForwardAttempt, at: number): RouterEvent {
  const { host } = forward;
  if (forward.kind === "event") {
    const delivery = forward.delivery.id;
    return attempt.ok
      ? { type: "event-answered", at, host, delivery, capacity: attempt.answer.capacity }
      : { type: "event-failed", at, host, delivery, failure: attempt.failure };
  }
  const { job, kind } = forward;
  return attempt.ok
    ? {
        type: "forward-answered",
        at,
        job,
        host,
        kind,
        result: attempt.answer.result,
        capacity: attempt.answer.capacity,
      }
    : { type: "forward-failed", at, job, host, kind, failure: attempt.failure };
}
