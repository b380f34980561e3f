/**
 * The protocol between `tart-router` and the executors behind it.
 *
 * Forwarding — `POST {executor}/router`:
 *   body: the original GitHub delivery bytes, unchanged;
 *   headers: GitHub's (`content-type`, `x-github-event`, `x-github-delivery`, `x-hub-signature-256`,
 *   `x-github-hook-id`, `x-github-hook-installation-target-type`, `x-github-hook-installation-target-id`,
 *   `user-agent`) plus `authorization: Bearer <executorToken>` when the router has one and
 *   `x-tart-router-host: <router hostname>`.
 *   The executor verifies the token (constant time; required when its `webhook.routerToken` is set)
 *   AND the webhook signature, exactly as for a direct delivery.
 *   Answers: 401 bad token or signature; 400 malformed; otherwise 200 with a ForwardAnswer.
 *   For `queued` jobs the executor records the job only when it answers `accepted` (or `duplicate`
 *   when it already has it); `full` means it did not record it and the router should try another
 *   host. Other actions (`waiting`, `in_progress`, `completed`) are always recorded (`recorded`)
 *   when the labels match, so the executor accounts exactly as a standalone one.
 *
 * Status — `GET {executor}/status` → ExecutorStatusAnswer (unauthenticated, read-only).
 *
 * Runner names carry the owning executor: `tart-executor-<hostId>-<8 chars>`, see
 * src/shared/vm-name.ts (`vmNameHost`). An `in_progress` whose `runner_name` belongs to host X
 * goes to X.
 */
export type ForwardResult = "accepted" | "full" | "duplicate" | "recorded" | "ignored";

export interface ForwardAnswer {
  readonly result: ForwardResult;
  /** Human-readable reason for `ignored`/`full`. */
  readonly message: string;
  readonly capacity: CapacitySummary;
}

export interface CapacitySummary {
  readonly accepting: boolean;
  readonly virtualMachineLimit: number;
  readonly activeVirtualMachines: number;
  /** VMs the executor could start now for new jobs (0 while draining). */
  readonly freeSlots: number;
  /** Queued jobs the executor holds that have no VM yet. */
  readonly uncoveredJobs: number;
  readonly cpuLimit: number | null;
  readonly cpuUsed: number;
  readonly totalMemory: number | null;
  readonly memoryUsed: number;
  /**
   * Runner labels of the executor's idle warm VMs that no queued job counts on yet: a job whose
   * labels are among one of these starts in seconds there. Absent from executors without a pool.
   */
  readonly warmLabels?: readonly (readonly string[])[] | undefined;
}

/** `GET /status`: the capacity plus identity; see src/executor/executor-status.ts for the full shape. */
export interface ExecutorStatusAnswer extends CapacitySummary {
  readonly hostname: string;
  readonly version: string;
  readonly inProgressJobs: number;
  readonly pendingJobs: number;
}
