/**
 * The state of one VM's life as the VM machine (./vm-machine-step.ts) holds it: a phase, plus the
 * few facts the end of the life is decided from. Plain data; the effects shell (../vm-lifecycle.ts)
 * holds the live resources (the `tart run` process, the guest session) beside it.
 */
import type { VmPhase } from "../model.js";

/**
 * Where the VM is in its life. `stopping`: a teardown was asked for while a step was in flight,
 * waiting for that step to give up (it was aborted) before tearing down; `diagnosing`: asking
 * tart why macOS refused the VM, before tearing down; `gone`: deleted, the final phase.
 */
export type VmMachinePhase =
  | "preparing"
  | "booting"
  | "connecting"
  | "installing-runner"
  | "awaiting-registration"
  | "starting-runner"
  | "waiting-online"
  | "idle"
  | "busy"
  | "stopping"
  | "diagnosing"
  | "tearing-down"
  | "gone";

/** How the life ended, as it counts in the metrics. */
export type VmOutcome = "completed" | "failed" | "torn_down";

/** The job the ledger says this VM's runner is running (see ../job-served-by.ts). */
export interface ServedJob {
  readonly key: string;
  readonly htmlUrl: string | null;
  readonly completed: boolean;
  /** GitHub said (in_progress) that this VM's runner took a job, whatever the runner's log showed so far. */
  readonly tookJob: boolean;
}

export type RegistrationState =
  | { readonly status: "not-asked" }
  | { readonly status: "pending" }
  | { readonly status: "ready"; readonly runnerId: number | null; readonly tokenRunner: boolean }
  | { readonly status: "failed"; readonly error: unknown };

export interface VmMachineState {
  readonly phase: VmMachinePhase;
  readonly vm: string;
  readonly forJob: string;
  /** The VM's log file on the host (named in failure reasons). */
  readonly logFile: string;
  /** Time marks (ms) for the phase metrics. */
  readonly startedAt: number;
  readonly bootStartedAt: number | null;
  readonly connectedAt: number | null;
  readonly onlineAt: number | null;
  readonly busySince: number | null;
  readonly teardownStartedAt: number | null;
  readonly registration: RegistrationState;
  /** The runner took a job (its log said so, or GitHub did at the end). */
  readonly served: boolean;
  /** `tart run` exited. */
  readonly vmStopped: boolean;
  /** What the ledger last said about the job this VM serves. */
  readonly servedJob: ServedJob | null;
  /** The teardown asked for, if any (its reason, and whether it counts as a failure). */
  readonly teardown: { readonly reason: string; readonly failure: boolean } | null;
  /** Why the VM failed; null when it did not. */
  readonly failure: string | null;
  /** A job was lost with the VM (warned about). */
  readonly lostJob: boolean;
  readonly outcome: VmOutcome | null;
}

export function initialVmState(vm: string, forJob: string, logFile: string, at: number): VmMachineState {
  return {
    phase: "preparing",
    vm,
    forJob,
    logFile,
    startedAt: at,
    bootStartedAt: null,
    connectedAt: null,
    onlineAt: null,
    busySince: null,
    teardownStartedAt: null,
    registration: { status: "not-asked" },
    served: false,
    vmStopped: false,
    servedJob: null,
    teardown: null,
    failure: null,
    lostJob: false,
    outcome: null,
  };
}

/** The ledger's phase for each machine phase (the ledger's phases only move forward). */
export const LEDGER_PHASE: Readonly<Record<VmMachinePhase, VmPhase | null>> = {
  preparing: "cloning",
  booting: "booting",
  connecting: "booting",
  "installing-runner": "provisioning",
  "awaiting-registration": "provisioning",
  "starting-runner": "provisioning",
  "waiting-online": "provisioning",
  idle: "idle",
  busy: "busy",
  stopping: null,
  diagnosing: null,
  "tearing-down": "tearing-down",
  gone: null,
};
