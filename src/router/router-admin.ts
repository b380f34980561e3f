/** The router's side of the admin API (src/admin/admin-port.ts). */
import type { RouterAdminPort } from "../admin/admin-port.js";
import type { RouterEngine } from "./router-engine.js";
import { isCancellable } from "./router-ledger.js";
import { routerStatus } from "./router-status.js";

export function routerAdmin(deps: {
  engine: RouterEngine;
  hostname: string;
  version: string;
  startedAt: number;
  now: () => number;
}): RouterAdminPort {
  const { engine } = deps;
  return {
    status: () => {
      const status = routerStatus(
        engine.state,
        { hostname: deps.hostname, version: deps.version },
        deps.now(),
      );
      return {
        kind: "router",
        hostname: status.hostname,
        version: status.version,
        startedAt: new Date(deps.startedAt).toISOString(),
        accepting: !engine.draining,
        queueDepth: status.queue.length,
        hosts: status.hosts.map((host) => ({
          hostname: host.hostname,
          url: host.url,
          priority: host.priority,
          healthy: host.up,
          lastSeen: host.lastSeenAt,
          freeSlots: host.capacity?.freeSlots ?? 0,
          virtualMachineLimit: host.capacity?.virtualMachineLimit ?? 0,
          activeVirtualMachines: host.capacity?.activeVirtualMachines ?? 0,
          ownedJobs: host.ownedQueuedJobs,
        })),
        jobs: status.jobs.map((job) => ({
          key: job.job,
          status: job.undeliverable === null ? job.status : `undeliverable: ${job.undeliverable}`,
          owner: job.owner,
          url: engine.state.jobs.get(job.job)?.htmlUrl ?? null,
        })),
      };
    },
    cancelJob: (key) => {
      const job = engine.state.jobs.get(key);
      if (job === undefined || !isCancellable(job)) return false;
      engine
        .apply({ type: "job-cancelled", at: deps.now(), job: key, reason: "cancelled by operator" })
        .catch(() => undefined); // applied in memory at once; a failed journal write is logged by the store
      return true;
    },
    drain: () => engine.setDraining(true),
    resume: () => engine.setDraining(false),
  };
}
