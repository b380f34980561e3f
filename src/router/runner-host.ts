/**
 * Which configured executor a runner belongs to. Runner names are VM names,
 * `tart-executor-<hostId>-<8 chars>` (src/shared/vm-name.ts), so the name alone says where the
 * runner lives, even when it took a job that was handed to another host.
 */
import type { RouterHostConfig } from "../config/router-config.js";
import { hostId, vmNameHost } from "../shared/vm-name.js";

export function runnerHost(runnerName: string | null, hosts: readonly RouterHostConfig[]): string | null {
  if (runnerName === null) return null;
  const id = vmNameHost(runnerName);
  if (id === null) return null;
  return hosts.find((host) => hostId(host.hostname) === id)?.hostname ?? null;
}
