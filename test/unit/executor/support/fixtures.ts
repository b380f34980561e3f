/** Builders for readable ledger and reconciler scenarios. */
import { applyEvent, emptyLedger } from "../../../../src/executor/ledger.js";
import { reconcile } from "../../../../src/executor/reconciler.js";
import { jobKey } from "../../../../src/executor/model.js";
import type {
  Action,
  Capacity,
  JobStatus,
  Ledger,
  LedgerEvent,
  ObservedJob,
  ReconcilePolicy,
  VmPhase,
  VmSpec,
} from "../../../../src/executor/model.js";

export const MINUTE = 60_000;
export const REPO = "Octo-Org/Octo-Repo";
export const IMAGE = "ghcr.io/cirruslabs/macos-sequoia-base:latest";

export const POLICY: ReconcilePolicy = {
  idleTimeoutMs: 5 * MINUTE,
  maxAttempts: 3,
  phaseDeadlineMs: {
    cloning: 30 * MINUTE,
    booting: 5 * MINUTE,
    provisioning: 5 * MINUTE,
    idle: 60 * MINUTE,
    busy: 360 * MINUTE,
    "tearing-down": 10 * MINUTE,
  },
  completedGraceMs: 1 * MINUTE,
  tombstoneMs: 60 * MINUTE,
};

export const CAPACITY: Capacity = { maxVms: 2, cpuLimit: null, memoryLimitMiB: null, accepting: true };

export function spec(
  labels: readonly string[] = ["self-hosted", "macos"],
  over: Partial<VmSpec> = {},
): VmSpec {
  return { image: IMAGE, cpu: null, memoryMiB: null, labels, ...over };
}

/** The ledger key of job `jobId` (attempt 1) in REPO. */
export function key(jobId: number, runAttempt = 1): string {
  return jobKey(REPO, jobId, runAttempt);
}

export function observed(jobId: number, status: JobStatus, over: Partial<ObservedJob> = {}): ObservedJob {
  return {
    repo: REPO,
    jobId,
    runId: 1000 + jobId,
    runAttempt: 1,
    name: `job ${jobId}`,
    htmlUrl: null,
    status,
    conclusion: status === "completed" ? "success" : null,
    runnerName: null,
    spec: spec(),
    ...over,
  };
}

export interface JobEventOptions extends Partial<ObservedJob> {
  readonly delivery?: string;
}

/** A job-observed event; the delivery id defaults to one per (job, status, time). */
export function jobEvent(
  jobId: number,
  status: JobStatus,
  at: number,
  options: JobEventOptions = {},
): LedgerEvent {
  const { delivery, ...over } = options;
  return {
    type: "job-observed",
    at,
    deliveryId: delivery ?? `d-${jobId}-${status}-${at}`,
    job: observed(jobId, status, over),
  };
}

export function vmStarted(vm: string, forJobId: number, at: number, vmSpec: VmSpec = spec()): LedgerEvent {
  return { type: "vm-started", at, vm, spec: vmSpec, forJob: key(forJobId) };
}

export function vmPhase(vm: string, phase: VmPhase, at: number): LedgerEvent {
  return { type: "vm-phase", at, vm, phase };
}

export function fold(events: readonly LedgerEvent[], ledger: Ledger = emptyLedger()): Ledger {
  return events.reduce(applyEvent, ledger);
}

export interface RunOptions {
  readonly capacity?: Partial<Capacity>;
  readonly policy?: Partial<ReconcilePolicy>;
}

export function run(ledger: Ledger, now: number, options: RunOptions = {}): Action[] {
  return reconcile({
    ledger,
    now,
    capacity: { ...CAPACITY, ...options.capacity },
    policy: { ...POLICY, ...options.policy },
  });
}
