/**
 * What a job asks of a host (its `cpu:`/`memory:` labels) and whether a host's configured limits
 * allow it. The router reads only the resource labels; everything else about the image is the
 * executor's business.
 */
import type { RouterHostConfig } from "../config/router-config.js";
import { parseResourceLabel } from "../github/resource-label.js";
import type { CapacitySummary } from "../shared/router-protocol.js";

export interface JobNeeds {
  readonly cpu: number | null;
  readonly memoryMiB: number | null;
}

export type JobNeedsResult =
  { readonly ok: true; readonly needs: JobNeeds } | { readonly ok: false; readonly reason: string };

/** The largest `cpu:`/`minCpu:` and `memory:`/`minMemory:` values, as the executor reads them. */
export function jobNeeds(labels: readonly string[]): JobNeedsResult {
  let cpu: number | null = null;
  let memoryMiB: number | null = null;
  for (const label of labels) {
    const resource = parseResourceLabel(label);
    if (resource === null) continue;
    // The executor rejects such a job too; no host will ever take it.
    if (resource.kind === "invalid") return { ok: false, reason: resource.reason };
    if (resource.kind === "cpu") cpu = Math.max(cpu ?? 0, resource.value);
    else memoryMiB = Math.max(memoryMiB ?? 0, resource.value);
  }
  return { ok: true, needs: { cpu, memoryMiB } };
}

/** Whether the host's configured limits allow the job; an absent limit is no limit. */
export function fitsLimits(needs: JobNeeds, host: RouterHostConfig): boolean {
  if (needs.cpu !== null && host.cpuLimit !== undefined && needs.cpu > host.cpuLimit) return false;
  if (needs.memoryMiB !== null && host.memoryLimit !== undefined && needs.memoryMiB > host.memoryLimit)
    return false;
  return true;
}

/**
 * Whether the executor's CPU and memory budgets, as it last reported them, leave room for the
 * job now. The executor makes the same check and answers `full`; checking first saves the trip.
 */
export function fitsBudgetNow(needs: JobNeeds, capacity: CapacitySummary): boolean {
  if (needs.cpu !== null && capacity.cpuLimit !== null && capacity.cpuUsed + needs.cpu > capacity.cpuLimit)
    return false;
  if (
    needs.memoryMiB !== null &&
    capacity.totalMemory !== null &&
    capacity.memoryUsed + needs.memoryMiB > capacity.totalMemory
  )
    return false;
  return true;
}

/** Why no configured host can ever run a job with these labels, or null when one can. */
export function neverFitsReason(
  labels: readonly string[],
  hosts: readonly RouterHostConfig[],
): string | null {
  const result = jobNeeds(labels);
  if (!result.ok) return result.reason;
  if (hosts.some((host) => fitsLimits(result.needs, host))) return null;
  const asked = [
    result.needs.cpu === null ? null : `cpu:${result.needs.cpu}`,
    result.needs.memoryMiB === null ? null : `memory:${result.needs.memoryMiB}`,
  ].filter((text) => text !== null);
  const limits = hosts.map(
    (host) =>
      `${host.hostname} (cpuLimit ${host.cpuLimit ?? "none"}, memoryLimit ${host.memoryLimit ?? "none"})`,
  );
  return `asks for ${asked.join(" and ")}, more than any host allows: ${limits.join(", ")}`;
}
