/**
 * The executor's ledger model: what it knows about jobs and VMs, the events that change it,
 * and the actions the pure reconciler asks the effects shell to carry out.
 * See ../../docs/reconciler.md for the rules.
 */

import type { VmSpec } from "../shared/vm-spec.js";

export type { VmSpec } from "../shared/vm-spec.js";

/** GitHub's workflow_job statuses that we track. `completed` is final. */
export type JobStatus = "queued" | "waiting" | "in_progress" | "completed";

export interface JobRecord {
  /** `${repo.toLowerCase()}#${jobId}#${runAttempt}` — see jobKey(). */
  readonly key: string;
  readonly repo: string;
  readonly jobId: number;
  readonly runId: number;
  readonly runAttempt: number;
  readonly name: string;
  readonly htmlUrl: string | null;
  readonly spec: VmSpec;
  readonly status: JobStatus;
  readonly conclusion: string | null;
  /** Runner that took the job (from in_progress/completed), if known. */
  readonly runnerName: string | null;
  /** Delivery ids seen for this job (bounded to the last 20). */
  readonly deliveries: readonly string[];
  /** Arrival order: a ledger-wide counter taken when the job was first seen. */
  readonly seq: number;
  readonly firstSeenAt: number;
  readonly updatedAt: number;
  readonly completedAt: number | null;
  /** VMs started for this job that failed before it was served. */
  readonly attempts: number;
  /** Why the last of those VMs failed (for the give-up reason). */
  readonly lastFailure: string | null;
  /** When the last of those VMs failed: the retry backoff runs from here. */
  readonly lastFailureAt: number | null;
  /** Set when the executor stopped trying to serve this job. */
  readonly givenUp: { readonly reason: string; readonly at: number } | null;
}

/** A VM's phase. `cloning` covers pull + clone + set. */
export type VmPhase = "cloning" | "booting" | "provisioning" | "idle" | "busy" | "tearing-down";

export interface VmRecord {
  /** Tart VM name; also the runner name. */
  readonly name: string;
  readonly spec: VmSpec;
  readonly phase: VmPhase;
  readonly phaseSince: number;
  readonly createdAt: number;
  /** Key of the job this VM was started for. */
  readonly forJob: string;
  /** Key of the job this VM's runner actually took (from in_progress), if any. */
  readonly servingJob: string | null;
  /** GitHub runner id once registered. */
  readonly runnerId: number | null;
  /** When the reconciler found that no queued job needs this VM, or null while it is needed. */
  readonly unneededSince: number | null;
  /** True once its runner took a job (from the webhook or its own log); survives tearing-down. */
  readonly tookJob: boolean;
  /** Why the VM failed, once a `vm-failed` arrived (at most one counts, in either event order). */
  readonly failure: { readonly reason: string; readonly at: number } | null;
}

export interface Ledger {
  readonly jobs: ReadonlyMap<string, JobRecord>;
  readonly vms: ReadonlyMap<string, VmRecord>;
  /** Next arrival sequence number. */
  readonly nextSeq: number;
}

/** The facts of a workflow_job delivery that the ledger keeps (already matched to a VmSpec). */
export interface ObservedJob {
  readonly repo: string;
  readonly jobId: number;
  readonly runId: number;
  readonly runAttempt: number;
  readonly name: string;
  readonly htmlUrl: string | null;
  readonly status: JobStatus;
  readonly conclusion: string | null;
  readonly runnerName: string | null;
  readonly spec: VmSpec;
}

/** Everything that changes the ledger. Events are facts; applying one twice must be harmless. */
export type LedgerEvent =
  | {
      readonly type: "job-observed";
      readonly at: number;
      readonly deliveryId: string;
      readonly job: ObservedJob;
    }
  | {
      readonly type: "vm-started";
      readonly at: number;
      readonly vm: string;
      readonly spec: VmSpec;
      readonly forJob: string;
    }
  | {
      readonly type: "vm-phase";
      readonly at: number;
      readonly vm: string;
      readonly phase: VmPhase;
      readonly runnerId?: number;
    }
  /** The VM failed before its runner took a job: counts one attempt against its forJob. */
  | { readonly type: "vm-failed"; readonly at: number; readonly vm: string; readonly reason: string }
  /** The VM is deleted (and its registration removed): frees the slot. */
  | { readonly type: "vm-gone"; readonly at: number; readonly vm: string }
  | { readonly type: "vm-unneeded"; readonly at: number; readonly vm: string }
  | { readonly type: "vm-needed"; readonly at: number; readonly vm: string }
  | { readonly type: "job-given-up"; readonly at: number; readonly job: string; readonly reason: string }
  | { readonly type: "job-pruned"; readonly at: number; readonly job: string };

/** What the reconciler asks for. The effects shell carries these out and records the resulting events. */
export type Action =
  | { readonly type: "start-vm"; readonly forJob: string; readonly spec: VmSpec }
  | {
      readonly type: "teardown-vm";
      readonly vm: string;
      readonly reason: string;
      /** True when the VM is torn down because something went wrong before it served a job (counts an attempt). */
      readonly failure: boolean;
    }
  | { readonly type: "give-up-job"; readonly job: string; readonly reason: string }
  | { readonly type: "mark-vm-unneeded"; readonly vm: string }
  | { readonly type: "mark-vm-needed"; readonly vm: string }
  | { readonly type: "prune-job"; readonly job: string };

/** Host capacity the reconciler must respect. */
export interface Capacity {
  /** Max concurrent VMs (config numberOfVirtualMachines, never above 2 for macOS). */
  readonly maxVms: number;
  /** CPU budget across VMs (config cpuLimit), or null for no budget. VMs with cpu=null count 0. */
  readonly cpuLimit: number | null;
  /** Memory budget in MiB (config totalMemory), or null. VMs with memoryMiB=null count 0. */
  readonly memoryLimitMiB: number | null;
  /** False while draining: no new VMs are started. */
  readonly accepting: boolean;
}

export interface ReconcilePolicy {
  /** Tear down a VM no queued job needs after this long. */
  readonly idleTimeoutMs: number;
  /** Give up on a job after this many failed VM attempts. */
  readonly maxAttempts: number;
  /** Longest time a VM may stay in each phase before it is torn down. */
  readonly phaseDeadlineMs: Readonly<Record<VmPhase, number>>;
  /** After the job a busy VM serves completes, how long to wait for the VM to go away by itself. */
  readonly completedGraceMs: number;
  /** Completed/given-up jobs are kept (as tombstones) this long after they finished, then pruned. */
  readonly tombstoneMs: number;
  /**
   * After a VM for a job failed, wait `retryBackoffMs × 2^(attempts−1)` from `lastFailureAt`
   * before starting the next (absent: no wait).
   */
  readonly retryBackoffMs?: number;
}

/** The ledger key of a job. Repository names are case-insensitive on GitHub. */
export function jobKey(repo: string, jobId: number, runAttempt: number): string {
  return `${repo.toLowerCase()}#${jobId}#${runAttempt}`;
}
