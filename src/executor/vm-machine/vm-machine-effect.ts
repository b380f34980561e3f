/**
 * What the VM machine asks the effects shell to do. Steps answer with events; the ledger, metric
 * and log effects are fire-and-forget.
 */
import type { VmPhase } from "../model.js";
import type { VmOutcome } from "./vm-machine-state.js";

export type LogLevel = "debug" | "info" | "warn" | "error";

export type PhaseMetric =
  "pull" | "clone" | "boot_to_ip" | "ssh_ready" | "runner_online" | "job_start" | "job_run" | "teardown";

export type VmMachineEffect =
  // Steps: each answers with its success or failure event.
  | { readonly type: "prepare" }
  | { readonly type: "request-registration" }
  /** `tart run`; then watch for its exit (vm-exited) and wait for the guest (guest-address, guest-connected). */
  | { readonly type: "boot" }
  | { readonly type: "install-runner" }
  | { readonly type: "start-runner" }
  /** Follow the runner's log: runner-online, runner-job-started, runner-exited, follow-failed. */
  | { readonly type: "follow-runner" }
  | { readonly type: "start-online-timer" }
  | { readonly type: "cancel-online-timer" }
  | { readonly type: "diagnose-vm-limit" }
  | { readonly type: "teardown"; readonly runnerId: number | null; readonly findRunnerByName: boolean }
  // Reports.
  | { readonly type: "ledger-phase"; readonly phase: VmPhase; readonly runnerId?: number }
  | { readonly type: "ledger-failed"; readonly reason: string }
  | { readonly type: "observe"; readonly metric: PhaseMetric; readonly seconds: number }
  | {
      readonly type: "log";
      readonly level: LogLevel;
      readonly message: string;
      readonly fields?: Readonly<Record<string, unknown>>;
    }
  | { readonly type: "count"; readonly outcome: VmOutcome };
