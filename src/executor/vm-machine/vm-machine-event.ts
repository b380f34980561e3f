/**
 * What happens to one VM, fed to the VM machine by the effects shell: each step's success or
 * failure, the deadline, the VM process exiting, what the runner's log says, what GitHub says,
 * and teardown requests. Every event carries the time it happened (`at`, ms).
 */
import type { ServedJob } from "./vm-machine-state.js";

export type VmMachineEvent = { readonly at: number } & (
  | { readonly type: "prepared" }
  | { readonly type: "prepare-failed"; readonly error: unknown }
  | { readonly type: "guest-address"; readonly ip: string }
  | { readonly type: "guest-connected" }
  | { readonly type: "guest-failed"; readonly error: unknown }
  | { readonly type: "runner-installed"; readonly copied: boolean }
  | { readonly type: "install-failed"; readonly error: unknown }
  | { readonly type: "registration-ready"; readonly runnerId: number | null; readonly tokenRunner: boolean }
  | { readonly type: "registration-failed"; readonly error: unknown }
  | { readonly type: "runner-started" }
  | { readonly type: "runner-start-failed"; readonly error: unknown }
  /** The runner's log said "Listening for Jobs". */
  | { readonly type: "runner-online" }
  /** The runner's log said "Running job: …". */
  | { readonly type: "runner-job-started"; readonly job: string }
  /** The log follow ended: with the runner's exit code, or null when the guest went away under it. */
  | { readonly type: "runner-exited"; readonly exitCode: number | null }
  /** The log follow failed (lost stream beyond its reconnects). */
  | { readonly type: "follow-failed"; readonly error: unknown }
  /** The runner did not come online within `afterMs` of its start. */
  | { readonly type: "online-deadline"; readonly afterMs: number }
  /** `tart run` exited; `lastLine` is what it logged last. */
  | { readonly type: "vm-exited"; readonly lastLine: string }
  /** The ledger's view of the job this VM's runner runs (GitHub's in_progress naming this runner). */
  | { readonly type: "job-observed"; readonly job: ServedJob }
  /** The executor asks for the VM to go (a TeardownRequest). */
  | { readonly type: "teardown-requested"; readonly reason: string; readonly failure: boolean }
  /** What tart's listing says about macOS's VM limit, when it refused the VM. */
  | { readonly type: "vm-limit-diagnosed"; readonly explanation: string | null }
  | { readonly type: "torn-down"; readonly problems: readonly string[] }
);

export type VmMachineEventType = VmMachineEvent["type"];
