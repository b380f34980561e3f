/**
 * The outside systems one VM's life talks to, as ports: what the lifecycle needs from `tart`
 * (src/tart/tart.ts), from GitHub (src/github/github-client.ts) and from the guest (SSH; tart's guest agent goes
 * through TartPort's `exec`, see vm-boot.ts). The real adapters satisfy these types structurally; the unit tests use
 * in-memory fakes (test/unit/executor/fakes/) that a contract suite (test/contract/) holds to the
 * same behaviour as the real adapters over the simulation.
 */
import type { GitHubClient } from "../github/github-client.js";
import type { Tart } from "../tart/tart.js";
import type { GuestSessionPort } from "./guest-port.js";

export type { TartRun } from "../tart/tart.js";
export type { GuestExecResult, GuestSessionPort } from "./guest-port.js";

/** The `tart` commands a VM's life uses: prepare, run, find its address, stop, delete, list. */
export type TartPort = Pick<
  Tart,
  | "pull"
  | "clone"
  | "set"
  | "run"
  | "ip"
  | "exec"
  | "stop"
  | "delete"
  | "listOci"
  | "listLocal"
  | "macAddresses"
  | "setMacAddress"
>;

/** The GitHub calls a VM's life uses: register its runner, and remove the registration again. */
export type GitHubPort = Pick<
  GitHubClient,
  | "generateJitConfig"
  | "createRegistrationToken"
  | "runnerGroupId"
  | "deleteRunner"
  | "findRunnerByName"
  | "runnerUrl"
>;

/**
 * A way into the guest of one VM: connect to the guest of VM `vm` (reachable at `host` for channels
 * that need its address, SSH) before `deadline` (ms since epoch), and get a session to run commands
 * in. Both channels fit: SSH uses `host`, tart's guest agent uses `vm`.
 */
export interface GuestPort {
  connect(target: {
    readonly vm: string;
    readonly host: string;
    readonly deadline: number;
    readonly signal: AbortSignal;
  }): Promise<GuestSessionPort>;
}
