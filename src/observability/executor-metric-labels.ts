/** Label values of the executor's metrics, as types for callers and lists for zero-initialising series. */

export type JobOutcome = "served" | "cancelled" | "given_up";
export type VmOutcome = "completed" | "failed" | "torn_down";
export type TartCommandOutcome = "ok" | "error" | "timeout" | "cancelled";
import type { GitHubRequestOutcome } from "../github/github-request-policy.js";

export type { GitHubRequestOutcome };
/** The steps from a queued job to a torn-down VM, timed by `observePhase`. */
export type Phase =
  | "queue_wait"
  | "pull"
  | "clone"
  | "boot_to_ip"
  | "ssh_ready"
  | "runner_online"
  | "job_start"
  | "job_run"
  | "teardown";

export const JOB_OUTCOMES: readonly JobOutcome[] = ["served", "cancelled", "given_up"];
export const VM_OUTCOMES: readonly VmOutcome[] = ["completed", "failed", "torn_down"];
export const GITHUB_REQUEST_OUTCOMES: readonly GitHubRequestOutcome[] = [
  "ok",
  "client_error",
  "server_error",
  "rate_limited",
  "network_error",
  "timeout",
];
export const PHASES: readonly Phase[] = [
  "queue_wait",
  "pull",
  "clone",
  "boot_to_ip",
  "ssh_ready",
  "runner_online",
  "job_start",
  "job_run",
  "teardown",
];
