/**
 * A small simulated world for property tests: GitHub's truth about jobs (which it reports through
 * webhooks that may be delayed, reordered, duplicated or lost), our VMs reporting their phases,
 * and an effects shell that turns the reconciler's actions back into ledger events.
 */
import { applyEvent, emptyLedger } from "../../../../src/executor/ledger.js";
import { labelsSatisfy, reconcile } from "../../../../src/executor/reconciler.js";
import type { ReconcileInput } from "../../../../src/executor/reconciler.js";
import type { WarmPoolPolicy } from "../../../../src/executor/reconcile/warm-pool.js";
import type {
  Action,
  Capacity,
  JobStatus,
  Ledger,
  LedgerEvent,
  ObservedJob,
  ReconcilePolicy,
  VmPhase,
  VmRecord,
  VmSpec,
} from "../../../../src/executor/model.js";

/** What the world can do next; `pick` fields select among the current candidates, modulo. */
export type Command =
  | { readonly kind: "new-job"; readonly shape: number; readonly deliverNow: boolean }
  | { readonly kind: "gate"; readonly job: number; readonly deliverNow: boolean }
  | { readonly kind: "dispatch"; readonly vm: number; readonly job: number; readonly reportBusy: boolean }
  | { readonly kind: "take-elsewhere"; readonly job: number; readonly deliverNow: boolean }
  | { readonly kind: "finish"; readonly job: number; readonly deliverNow: boolean }
  | { readonly kind: "deliver"; readonly pick: number }
  | { readonly kind: "redeliver"; readonly pick: number }
  | { readonly kind: "drop"; readonly pick: number }
  /** The VM reports its next phase, or (repeat) its current phase again. */
  | { readonly kind: "vm-advance"; readonly vm: number; readonly repeat: boolean }
  /** The VM fails; the shell reports `vm-failed` alone, or after `vm-phase tearing-down`. */
  | { readonly kind: "vm-fail"; readonly vm: number; readonly tearingFirst: boolean }
  | { readonly kind: "vm-gone"; readonly vm: number }
  /** Stop accepting for the next `commands` commands. */
  | { readonly kind: "drain"; readonly commands: number }
  | { readonly kind: "tick"; readonly ms: number };

interface TruthJob {
  readonly id: number;
  status: JobStatus;
  runner: string | null;
  readonly spec: VmSpec;
}

interface Webhook {
  readonly deliveryId: string;
  readonly job: ObservedJob;
}

/** Checks run on every event applied and on every reconcile pass. */
export interface Observer {
  onEvent(before: Ledger, event: LedgerEvent, after: Ledger): void;
  onPass(state: ReconcileInput, actions: readonly Action[]): void;
}

export const REPO = "Octo/Fleet";

/** Job shapes: label sets (some in mixed case) and sizes. Images follow the labels, as in real configs. */
const SHAPES: readonly VmSpec[] = [
  { image: "base", cpu: null, memoryMiB: null, labels: ["self-hosted", "macos"] },
  { image: "base", cpu: 4, memoryMiB: 8192, labels: ["self-hosted", "macos"] },
  { image: "xcode", cpu: 4, memoryMiB: 8192, labels: ["self-hosted", "MacOS", "xcode"] },
  { image: "xcode", cpu: 8, memoryMiB: 16384, labels: ["Self-Hosted", "macOS", "xcode", "XL"] },
  { image: "base", cpu: 2, memoryMiB: 4096, labels: ["self-hosted"] },
];

const NEXT_PHASE: Partial<Record<VmPhase, VmPhase>> = {
  cloning: "booting",
  booting: "provisioning",
  provisioning: "idle",
};

export class World {
  ledger: Ledger = emptyLedger();
  now = 1_000_000;
  capacity: Capacity;
  readonly policy: ReconcilePolicy;
  readonly trace: string[] = [];
  private readonly truth: TruthJob[] = [];
  private readonly pending: Webhook[] = [];
  private readonly delivered: Webhook[] = [];
  private webhookCount = 0;
  private vmCount = 0;
  private drainLeft = 0;

  private readonly observer: Observer;

  /** The warm pool, when the run has one (warm-pool.property.test.ts). */
  readonly warm: WarmPoolPolicy | undefined;

  constructor(capacity: Capacity, policy: ReconcilePolicy, observer: Observer, warm?: WarmPoolPolicy) {
    this.capacity = capacity;
    this.policy = policy;
    this.observer = observer;
    this.warm = warm;
  }

  /** Runs one command, then reconciles until the reconciler has nothing more to ask. */
  run(command: Command): void {
    this.trace.push(JSON.stringify(command));
    if (this.drainLeft > 0) {
      this.drainLeft -= 1;
      if (this.drainLeft === 0) this.capacity = { ...this.capacity, accepting: true };
    }
    this.perform(command);
    this.settle();
  }

  settle(): void {
    for (let pass = 0; pass < 20; pass += 1) {
      const actions = reconcile({
        ledger: this.ledger,
        now: this.now,
        capacity: this.capacity,
        policy: this.policy,
        warm: this.warm,
      });
      this.observer.onPass(this, actions);
      if (actions.length === 0) return;
      this.trace.push(`  actions ${JSON.stringify(actions.map(describeAction))}`);
      for (const action of actions) for (const event of this.effectsOf(action)) this.apply(event);
    }
    throw new Error("reconciler did not settle within 20 passes");
  }

  apply(event: LedgerEvent): void {
    const before = this.ledger;
    this.ledger = applyEvent(before, event);
    this.observer.onEvent(before, event, this.ledger);
  }

  private perform(command: Command): void {
    switch (command.kind) {
      case "new-job": {
        const shape = SHAPES[command.shape % SHAPES.length] ?? SHAPES[0]!;
        const job: TruthJob = { id: this.truth.length + 1, status: "queued", runner: null, spec: shape };
        this.truth.push(job);
        this.report(job, command.deliverNow);
        return;
      }
      case "gate": {
        const job = pick(this.truthWith("queued", "waiting"), command.job);
        if (job === undefined) return;
        job.status = job.status === "queued" ? "waiting" : "queued";
        this.report(job, command.deliverNow);
        return;
      }
      case "dispatch":
        return this.dispatch(command.vm, command.job, command.reportBusy);
      case "take-elsewhere": {
        const job = pick(this.truthWith("queued"), command.job);
        if (job === undefined) return;
        job.status = "in_progress";
        job.runner = "static-mac";
        this.report(job, command.deliverNow);
        return;
      }
      case "finish": {
        const job = pick(this.truthWith("queued", "waiting", "in_progress"), command.job);
        if (job === undefined) return;
        job.status = "completed";
        this.report(job, command.deliverNow);
        return;
      }
      case "deliver": {
        const index = indexOf(this.pending, command.pick);
        if (index === undefined) return;
        const [webhook] = this.pending.splice(index, 1);
        if (webhook !== undefined) this.deliver(webhook);
        return;
      }
      case "redeliver": {
        const webhook = pick(this.delivered, command.pick);
        if (webhook !== undefined) this.deliver(webhook);
        return;
      }
      case "drop": {
        const index = indexOf(this.pending, command.pick);
        if (index !== undefined) this.pending.splice(index, 1);
        return;
      }
      case "vm-advance": {
        const vm = pick(this.vmsIn("cloning", "booting", "provisioning", "idle"), command.vm);
        const phase = vm === undefined ? undefined : command.repeat ? vm.phase : NEXT_PHASE[vm.phase];
        if (vm === undefined || phase === undefined) return;
        this.apply({
          type: "vm-phase",
          at: this.now,
          vm: vm.name,
          phase,
          ...(phase === "idle" ? { runnerId: 7 } : {}),
        });
        return;
      }
      case "vm-fail": {
        const vm = pick(this.vmsIn("cloning", "booting", "provisioning", "idle", "busy"), command.vm);
        if (vm === undefined) return;
        if (command.tearingFirst)
          this.apply({ type: "vm-phase", at: this.now, vm: vm.name, phase: "tearing-down" });
        this.apply({ type: "vm-failed", at: this.now, vm: vm.name, reason: "simulated" });
        return;
      }
      case "vm-gone": {
        // A VM being torn down is deleted, or a busy guest powers off by itself.
        const vm = pick(this.vmsIn("tearing-down", "busy"), command.vm);
        if (vm !== undefined) this.apply({ type: "vm-gone", at: this.now, vm: vm.name });
        return;
      }
      case "drain":
        this.drainLeft = command.commands;
        this.capacity = { ...this.capacity, accepting: false };
        return;
      case "tick":
        this.now += command.ms;
        return;
    }
  }

  /** GitHub hands a queued job to one of our idle runners whose labels include the job's. */
  private dispatch(vmPick: number, jobPick: number, reportBusy: boolean): void {
    const vm = pick(
      this.vmsIn("idle").filter((v) => v.servingJob === null),
      vmPick,
    );
    if (vm === undefined) return;
    const job = pick(
      this.truthWith("queued").filter((j) => labelsSatisfy(vm.spec.labels, j.spec.labels)),
      jobPick,
    );
    if (job === undefined) return;
    job.status = "in_progress";
    job.runner = vm.name;
    // The runner's log says "Running job" before or after the webhook arrives, or the log is missed.
    if (reportBusy) this.apply({ type: "vm-phase", at: this.now, vm: vm.name, phase: "busy" });
    this.report(job, false);
  }

  private report(job: TruthJob, deliverNow: boolean): void {
    this.webhookCount += 1;
    const webhook: Webhook = {
      deliveryId: `gh-${this.webhookCount}`,
      job: {
        // Deliveries spell the repository differently; the key must not care.
        repo: this.webhookCount % 2 === 0 ? REPO.toUpperCase() : REPO,
        jobId: job.id,
        runId: 500 + job.id,
        runAttempt: 1,
        name: `job ${job.id}`,
        htmlUrl: null,
        status: job.status,
        conclusion: job.status !== "completed" ? null : job.runner === null ? "cancelled" : "success",
        runnerName: job.status === "in_progress" || job.status === "completed" ? job.runner : null,
        spec: job.spec,
      },
    };
    if (deliverNow) this.deliver(webhook);
    else this.pending.push(webhook);
  }

  private deliver(webhook: Webhook): void {
    if (!this.delivered.includes(webhook)) this.delivered.push(webhook);
    this.apply({ type: "job-observed", at: this.now, deliveryId: webhook.deliveryId, job: webhook.job });
  }

  /** What the effects shell reports after carrying out an action. */
  private effectsOf(action: Action): LedgerEvent[] {
    const at = this.now;
    switch (action.type) {
      case "start-vm":
        this.vmCount += 1;
        return [
          { type: "vm-started", at, vm: `vm-${this.vmCount}`, spec: action.spec, forJob: action.forJob },
        ];
      case "teardown-vm": {
        const tearing: LedgerEvent = { type: "vm-phase", at, vm: action.vm, phase: "tearing-down" };
        if (!action.failure) return [tearing];
        // Shells differ in report order; alternate between the two by VM number.
        const failed: LedgerEvent = { type: "vm-failed", at, vm: action.vm, reason: action.reason };
        return Number(action.vm.split("-")[1]) % 2 === 0 ? [tearing, failed] : [failed];
      }
      case "mark-vm-unneeded":
        return [{ type: "vm-unneeded", at, vm: action.vm }];
      case "mark-vm-needed":
        return [{ type: "vm-needed", at, vm: action.vm }];
      case "give-up-job":
        return [{ type: "job-given-up", at, job: action.job, reason: action.reason }];
      case "prune-job":
        return [{ type: "job-pruned", at, job: action.job }];
    }
  }

  private truthWith(...statuses: JobStatus[]): TruthJob[] {
    return this.truth.filter((job) => statuses.includes(job.status));
  }

  private vmsIn(...phases: VmPhase[]): VmRecord[] {
    return [...this.ledger.vms.values()]
      .filter((vm) => phases.includes(vm.phase))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }
}

function pick<T>(items: readonly T[], n: number): T | undefined {
  return items.length === 0 ? undefined : items[n % items.length];
}

function indexOf(items: readonly unknown[], n: number): number | undefined {
  return items.length === 0 ? undefined : n % items.length;
}

function describeAction(action: Action): string {
  switch (action.type) {
    case "start-vm":
      return `start for ${action.forJob}`;
    case "teardown-vm":
      return `teardown ${action.vm} (${action.reason}${action.failure ? ", failure" : ""})`;
    case "give-up-job":
    case "prune-job":
      return `${action.type} ${action.job}`;
    case "mark-vm-unneeded":
    case "mark-vm-needed":
      return `${action.type} ${action.vm}`;
  }
}
