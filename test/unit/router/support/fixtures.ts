/** Builders for the router's pure functions: hosts, capacities, deliveries. */
import type { RouterHostConfig } from "../../../../src/config/router-config.js";
import { jobKey } from "../../../../src/router/router-model.js";
import type { RouterEvent, RouterJobStatus, RouterPolicy } from "../../../../src/router/router-model.js";
import type { CapacitySummary } from "../../../../src/shared/router-protocol.js";

export const REPO = "Acme/App";
export const GRACE_MS = 15_000;

export const HOSTS: readonly RouterHostConfig[] = [
  { hostname: "mac-a", url: "http://a.test", priority: 0 },
  { hostname: "mac-b", url: "http://b.test", priority: 0 },
  { hostname: "mac-c", url: "http://c.test", priority: 1, cpuLimit: 4, memoryLimit: 8192 },
];

export function policy(hosts: readonly RouterHostConfig[] = HOSTS, outboxLimit = 1000): RouterPolicy {
  return {
    hosts,
    takeoverGraceMs: GRACE_MS,
    backoffInitialMs: 1_000,
    backoffMaxMs: 8_000,
    outboxLimit,
    completedRetentionMs: 3_600_000,
    staleRetentionMs: 48 * 3_600_000,
  };
}

export function capacity(freeSlots: number, extra: Partial<CapacitySummary> = {}): CapacitySummary {
  return {
    accepting: true,
    virtualMachineLimit: 2,
    activeVirtualMachines: 0,
    freeSlots,
    uncoveredJobs: 0,
    cpuLimit: null,
    cpuUsed: 0,
    totalMemory: null,
    memoryUsed: 0,
    ...extra,
  };
}

export function key(jobId: number): string {
  return jobKey(REPO, jobId, 1);
}

export interface DeliveryOptions {
  readonly labels?: readonly string[];
  readonly runnerName?: string | null;
  /** Defaults to `<action>-<jobId>`. */
  readonly deliveryId?: string;
}

export function delivery(
  at: number,
  jobId: number,
  action: RouterJobStatus,
  options: DeliveryOptions = {},
): Extract<RouterEvent, { type: "delivery" }> {
  const id = options.deliveryId ?? `${action}-${jobId}`;
  return {
    type: "delivery",
    at,
    facts: {
      key: key(jobId),
      repo: REPO,
      jobId,
      runAttempt: 1,
      labels: options.labels ?? ["self-hosted", "tartelet", "sequoia"],
      runnerName: options.runnerName ?? null,
      htmlUrl: `https://github.com/${REPO}/actions/runs/1/job/${jobId}`,
    },
    delivery: {
      id,
      action,
      headers: { "x-github-delivery": id },
      body: Buffer.from(`{"id":${jobId}}`).toString("base64"),
    },
  };
}

/** A runner name made by the executor on `host`. */
export function runnerOf(host: string): string {
  return `tart-executor-${host}-abcd1234`;
}
