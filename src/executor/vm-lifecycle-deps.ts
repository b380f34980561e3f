/** What one VM's life (./vm-lifecycle.ts) is given: its request, the ports, and where it reports. */
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import type { LedgerEvent, VmSpec } from "./model.js";
import type { GitHubPort, GuestPort, TartPort } from "./ports.js";
import type { PhaseMetric } from "./vm-machine/vm-machine-effect.js";
import type { ServedJob } from "./vm-machine/vm-machine-state.js";
import type { VmSettings } from "./vm-settings.js";

export type { ServedJob } from "./vm-machine/vm-machine-state.js";
export type LifecyclePhaseMetric = PhaseMetric;

export interface VmLifecycleRequest {
  readonly name: string;
  readonly spec: VmSpec;
  readonly forJob: string;
  /** Aborted (with a TeardownRequest as its reason) when the executor wants the VM gone. */
  readonly signal: AbortSignal;
}

export interface VmLifecycleDeps {
  readonly tart: TartPort;
  readonly github: GitHubPort;
  readonly guest: GuestPort;
  readonly runnerTarball: () => Promise<Buffer>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly settings: VmSettings;
  /** Shared by all VMs; switches to "token" for good once GitHub shows it has no JIT endpoint. */
  readonly registration: { mode: "jit" | "token" };
  /** Reports to the ledger (vm-phase, vm-failed; the executor records vm-gone when the life ends). */
  readonly emit: (event: LedgerEvent) => void;
  readonly observe: (phase: LifecyclePhaseMetric, seconds: number) => void;
  /** How the VM ended: it served a job, it failed, or it was torn down unused. */
  readonly countVm?: (outcome: "completed" | "failed" | "torn_down") => void;
  /** Whether a VM name is one of this executor's (to name the VMs that hold macOS's VM slots). */
  readonly isOwnVm: (name: string) => boolean;
  /** The job the ledger says this VM's runner is running, if it knows. */
  readonly jobServedBy?: (vm: string) => ServedJob | null;
}
