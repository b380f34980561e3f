/**
 * The effects shell around the pure reconciler: records events in the durable ledger, runs a
 * reconcile pass after every change and on a timer, and carries out the actions — starting a VM
 * lifecycle task, aborting one, or writing bookkeeping events.
 */
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import type { LedgerStore } from "./ledger-store.js";
import type { Action, Capacity, Ledger, LedgerEvent, ObservedJob, ReconcilePolicy, VmSpec } from "./model.js";
import { jobKey } from "./model.js";
import { reconcile } from "./reconciler.js";
import type { WarmPoolPolicy } from "./reconcile/warm-pool.js";
import { WarmBackoff } from "./warm-backoff.js";
import { formatVmName } from "../shared/vm-name.js";
import { TeardownRequest } from "./vm-settings.js";

export interface ExecutorDeps {
  readonly store: LedgerStore;
  readonly clock: Clock;
  readonly random: () => number;
  readonly hostname: string;
  readonly log: Logger;
  readonly policy: ReconcilePolicy;
  readonly capacity: Omit<Capacity, "accepting">;
  /**
   * Runs one VM from clone to delete, reporting its progress to `ledger`; the executor records
   * vm-gone once it settles, whatever happened.
   */
  readonly runVm: (
    request: { name: string; spec: VmSpec; forJob: string; signal: AbortSignal },
    ledger: VmLedgerPort,
  ) => Promise<void>;
  /** Removes a VM that has no lifecycle task in this process (adopted after a restart): VM and registration. */
  readonly removeOrphanVm: (name: string, runnerId: number | null) => Promise<void>;
  /** Overrides `policy.retryBackoffMs` (the wait before the next VM for a job whose VM failed). */
  readonly retryBackoffMs?: number;
  readonly onGiveUp?: (job: { key: string; htmlUrl: string | null; reason: string }) => void;
  readonly reconcileIntervalMs?: number;
  /** Told about every event after it is applied (timelines, status pages). */
  readonly onEvent?: (event: LedgerEvent, ledger: Ledger) => void;
  /** The warm pool to keep (warm-pool-config.ts); absent: none. */
  readonly warm?: WarmPoolPolicy | undefined;
}

/** What a VM's life reports to and reads from: the executor's ledger. */
export interface VmLedgerPort {
  readonly ledger: Ledger;
  emit(event: LedgerEvent): void;
}

export type RecordResult = "recorded" | "duplicate";

/** Reconcile passes triggered by events are at least this far apart (a pass is O(jobs)). */
const MIN_PASS_INTERVAL_MS = 25;

export class Executor implements VmLedgerPort {
  readonly #deps: ExecutorDeps;
  readonly #tasks = new Map<string, { controller: AbortController; done: Promise<void> }>();
  #accepting = true;
  #scheduled = false;
  #lastPassAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(deps: ExecutorDeps) {
    this.#deps = deps;
  }

  get ledger() {
    return this.#deps.store.ledger;
  }

  get accepting(): boolean {
    return this.#accepting;
  }

  start(): void {
    this.#timer = setInterval(() => this.reconcileNow(), this.#deps.reconcileIntervalMs ?? 1000);
    this.#timer.unref();
    this.schedule();
  }

  /** Records a workflow_job delivery durably; resolves once it is safe to acknowledge. */
  async recordJob(deliveryId: string, job: ObservedJob): Promise<RecordResult> {
    const existing = this.ledger.jobs.get(jobKey(job.repo, job.jobId, job.runAttempt));
    if (existing?.deliveries.includes(deliveryId) === true) return "duplicate";
    const event: LedgerEvent = { type: "job-observed", at: this.#deps.clock.now(), deliveryId, job };
    const durable = this.#deps.store.append(event);
    this.#deps.onEvent?.(event, this.ledger);
    await durable;
    this.schedule();
    return "recorded";
  }

  /** Stops starting new VMs (drain) or resumes. */
  setAccepting(accepting: boolean): void {
    this.#accepting = accepting;
    this.schedule();
  }

  /**
   * Coalesces reconcile requests into one pass: on the next tick, or — when a pass ran less than
   * MIN_PASS_INTERVAL_MS ago — as soon as that interval is over, so a flood of deliveries costs
   * a bounded number of passes.
   */
  schedule(): void {
    if (this.#scheduled || this.#stopped) return;
    this.#scheduled = true;
    const wait = Math.min(
      MIN_PASS_INTERVAL_MS,
      this.#lastPassAt + MIN_PASS_INTERVAL_MS - this.#deps.clock.now(),
    );
    const run = (): void => {
      this.#scheduled = false;
      this.reconcileNow();
    };
    if (wait <= 0) setImmediate(run);
    else setTimeout(run, wait).unref();
  }

  reconcileNow(): void {
    if (this.#stopped) return;
    this.#lastPassAt = this.#deps.clock.now();
    const actions = reconcile({
      ledger: this.ledger,
      now: this.#deps.clock.now(),
      capacity: { ...this.#deps.capacity, accepting: this.#accepting },
      policy:
        this.#deps.retryBackoffMs === undefined
          ? this.#deps.policy
          : { ...this.#deps.policy, retryBackoffMs: this.#deps.retryBackoffMs },
      warm: this.#deps.warm,
    });
    for (const action of actions) this.#carryOut(action);
  }

  /**
   * Graceful stop: no new VMs; VMs whose runner has not taken a job go at once (they could take
   * new work); busy VMs may finish their job for up to `drainMs`; then everything is torn down.
   * Jobs keep being recorded meanwhile, so nothing queued is lost across the restart.
   */
  async stop(reason: string, options: { drainMs?: number } = {}): Promise<void> {
    this.#accepting = false;
    const deadline = this.#deps.clock.now() + (options.drainMs ?? 0);
    for (const [vm, task] of this.#tasks)
      if (this.ledger.vms.get(vm)?.phase !== "busy")
        task.controller.abort(new TeardownRequest(reason, false));
    while (this.#busyVms() > 0 && this.#deps.clock.now() < deadline) {
      await Promise.race([
        this.#deps.clock.sleep(250),
        ...[...this.#tasks.values()].map((task) => task.done),
      ]);
      this.reconcileNow();
    }
    this.abortAll(reason);
    await Promise.allSettled([...this.#tasks.values()].map((task) => task.done));
    await this.#waitForOrphanRemovals();
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#stopped = true;
    await this.#deps.store.flush();
  }

  /** Tears down every VM now (a second shutdown signal, or the end of the drain). */
  abortAll(reason: string): void {
    this.#accepting = false;
    for (const task of this.#tasks.values())
      if (!task.controller.signal.aborted) task.controller.abort(new TeardownRequest(reason, false));
    for (const vm of this.ledger.vms.values())
      if (!this.#tasks.has(vm.name) && vm.phase !== "tearing-down") this.#removeOrphan(vm.name, reason);
  }

  #busyVms(): number {
    return [...this.ledger.vms.values()].filter((vm) => vm.phase === "busy").length;
  }

  async #waitForOrphanRemovals(): Promise<void> {
    for (let waited = 0; this.#orphanRemovals.size > 0 && waited < 120_000; waited += 100)
      await this.#deps.clock.sleep(100);
  }

  /**
   * An operator gave up on a job: it is not served any more, and the VMs started for it or
   * serving it are torn down. False when the job is unknown.
   */
  cancelJob(key: string, reason: string): boolean {
    const job = this.ledger.jobs.get(key);
    if (job === undefined) return false;
    if (job.givenUp === null && job.status !== "completed")
      this.#record({ type: "job-given-up", at: this.#deps.clock.now(), job: key, reason });
    for (const vm of this.ledger.vms.values()) {
      if (vm.forJob !== key && vm.servingJob !== key) continue;
      const task = this.#tasks.get(vm.name);
      if (task === undefined) this.#removeOrphan(vm.name, reason);
      else if (!task.controller.signal.aborted) task.controller.abort(new TeardownRequest(reason, false));
    }
    this.schedule();
    return true;
  }

  /** Number of lifecycle tasks running in this process. */
  get activeTasks(): number {
    return this.#tasks.size;
  }

  /** Resolves when no lifecycle task is running. */
  async idle(): Promise<void> {
    while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks.values()].map((task) => task.done));
  }

  #carryOut(action: Action): void {
    const now = this.#deps.clock.now();
    switch (action.type) {
      case "start-vm": {
        if (this.#warmBackoff.waiting(action.forJob, now)) return;
        const name = formatVmName(this.#deps.hostname, this.#deps.random);
        this.#record({
          type: "vm-started",
          at: now,
          vm: name,
          spec: action.spec,
          forJob: action.forJob,
        });
        this.#deps.log.info({ vm: name, job: action.forJob, image: action.spec.image }, "starting vm");
        const controller = new AbortController();
        const done = this.#deps
          .runVm({ name, spec: action.spec, forJob: action.forJob, signal: controller.signal }, this)
          .catch((error: unknown) => this.#deps.log.error({ vm: name, err: error }, "vm lifecycle crashed"))
          .finally(() => {
            this.#tasks.delete(name);
            this.#gone(name);
          });
        this.#tasks.set(name, { controller, done });
        return;
      }
      case "teardown-vm": {
        const task = this.#tasks.get(action.vm);
        if (task !== undefined) {
          if (!task.controller.signal.aborted)
            task.controller.abort(new TeardownRequest(action.reason, action.failure));
          return;
        }
        this.#removeOrphan(action.vm, action.reason);
        return;
      }
      case "give-up-job": {
        const job = this.ledger.jobs.get(action.job);
        this.#record({ type: "job-given-up", at: now, job: action.job, reason: action.reason });
        this.#deps.log.error(
          { job: action.job, url: job?.htmlUrl, reason: action.reason },
          "giving up on job",
        );
        this.#deps.onGiveUp?.({ key: action.job, htmlUrl: job?.htmlUrl ?? null, reason: action.reason });
        return;
      }
      case "mark-vm-unneeded":
        this.#record({ type: "vm-unneeded", at: now, vm: action.vm });
        return;
      case "mark-vm-needed":
        this.#record({ type: "vm-needed", at: now, vm: action.vm });
        return;
      case "prune-job":
        this.#record({ type: "job-pruned", at: now, job: action.job });
        return;
    }
  }

  readonly #orphanRemovals = new Set<string>();
  readonly #warmBackoff = new WarmBackoff(() => this.#deps.retryBackoffMs ?? 0);

  /** Whether a lifecycle task for this VM runs in this process. */
  hasTask(vm: string): boolean {
    return this.#tasks.has(vm);
  }

  /** Removes a VM this process has no task for (adopted, or found stopped by the sweep). */
  removeAdopted(vm: string, reason: string): void {
    if (!this.#tasks.has(vm)) this.#removeOrphan(vm, reason);
  }

  #removeOrphan(vm: string, reason: string): void {
    if (this.#orphanRemovals.has(vm)) return;
    this.#orphanRemovals.add(vm);
    this.#deps.log.info({ vm, reason }, "removing vm without a lifecycle task");
    this.#record({ type: "vm-phase", at: this.#deps.clock.now(), vm, phase: "tearing-down" });
    const runnerId = this.ledger.vms.get(vm)?.runnerId ?? null;
    void this.#deps
      .removeOrphanVm(vm, runnerId)
      .catch((error: unknown) => this.#deps.log.error({ vm, err: error }, "removing vm failed"))
      .finally(() => {
        this.#orphanRemovals.delete(vm);
        this.#gone(vm);
      });
  }

  /** The one place vm-gone comes from: a VM's life (or an orphan's removal) is over. */
  #gone(vm: string): void {
    if (this.ledger.vms.has(vm)) this.#record({ type: "vm-gone", at: this.#deps.clock.now(), vm });
    this.schedule();
  }

  /** Applies an event now; a failure to make it durable is logged (the in-memory ledger has it). */
  #record(event: LedgerEvent): void {
    this.#deps.store.append(event).catch((error: unknown) => {
      this.#deps.log.error({ err: error }, "could not write the ledger journal");
    });
    this.#deps.onEvent?.(event, this.ledger);
  }

  /** Lifecycle tasks report through here. */
  emit(event: LedgerEvent): void {
    this.#warmBackoff.observe(event, this.ledger);
    this.#record(event);
    this.schedule();
  }
}
