/**
 * What `GET /status` shows and what the gauges say, both read from the state: the queue in
 * arrival order, each executor's health and capacity, and the jobs not yet finished.
 */
import type { HostGauges, RouterGauges } from "../observability/router-metrics.js";
import type { RouterJob, RouterState } from "./router-model.js";
import type { CapacitySummary } from "../shared/router-protocol.js";

/** The status answer lists at most this many jobs (the counts are always complete). */
const MAX_LISTED_JOBS = 500;

export interface RouterStatus {
  readonly hostname: string;
  readonly version: string;
  readonly queue: ReadonlyArray<{ job: string; url: string | null; waitingSeconds: number }>;
  readonly hosts: ReadonlyArray<{
    hostname: string;
    url: string;
    priority: number;
    up: boolean;
    downSince: string | null;
    failures: number;
    lastSeenAt: string | null;
    capacity: CapacitySummary | null;
    pendingEvents: number;
    ownedQueuedJobs: number;
  }>;
  readonly counts: {
    queued: number;
    handedOver: number;
    waiting: number;
    inProgress: number;
    undeliverable: number;
  };
  readonly jobs: ReadonlyArray<{
    job: string;
    status: string;
    owner: string | null;
    confirmed: boolean;
    runnerHost: string | null;
    undeliverable: string | null;
  }>;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Queued jobs no host holds: the router's durable queue. */
export function isQueued(job: RouterJob): boolean {
  return job.status === "queued" && job.owner === null && job.undeliverable === null;
}

export function routerStatus(
  state: RouterState,
  identity: { hostname: string; version: string },
  now: number,
): RouterStatus {
  const active = [...state.jobs.values()]
    .filter((job) => job.status !== "completed")
    .sort((a, b) => a.seq - b.seq);
  return {
    ...identity,
    queue: active.filter(isQueued).map((job) => ({
      job: job.key,
      url: job.htmlUrl,
      waitingSeconds: Math.round((now - job.firstSeenAt) / 1000),
    })),
    hosts: state.policy.hosts.map((config) => {
      const host = state.hosts.get(config.hostname);
      return {
        hostname: config.hostname,
        url: config.url,
        priority: config.priority,
        up: host?.up ?? false,
        downSince: iso(host?.downSince ?? null),
        failures: host?.failures ?? 0,
        lastSeenAt: iso(host?.lastSeenAt ?? null),
        capacity: host?.capacity ?? null,
        pendingEvents: host?.outbox.length ?? 0,
        ownedQueuedJobs: active.filter((job) => job.status === "queued" && job.owner === config.hostname)
          .length,
      };
    }),
    counts: {
      queued: active.filter(isQueued).length,
      handedOver: active.filter((job) => job.status === "queued" && job.owner !== null).length,
      waiting: active.filter((job) => job.status === "waiting").length,
      inProgress: active.filter((job) => job.status === "in_progress").length,
      undeliverable: active.filter((job) => job.undeliverable !== null).length,
    },
    jobs: active.slice(0, MAX_LISTED_JOBS).map((job) => ({
      job: job.key,
      status: job.status,
      owner: job.owner,
      confirmed: job.ownerConfirmed,
      runnerHost: job.runnerHost,
      undeliverable: job.undeliverable,
    })),
  };
}

/** The aggregate gauges, with the original tart-router's meanings. */
export function routerGauges(state: RouterState): RouterGauges {
  let pending = 0;
  let unsent = 0;
  let handedOver = 0;
  for (const job of state.jobs.values()) {
    if ((job.status !== "queued" && job.status !== "waiting") || job.undeliverable !== null) continue;
    pending += 1;
    if (job.owner === null) unsent += 1;
    else handedOver += 1;
  }
  const up = [...state.hosts.values()].filter((host) => host.up);
  return {
    pendingJobs: pending,
    pendingJobsUnsent: unsent,
    pendingJobsQueued: handedOver,
    availableVirtualMachines: up.reduce((sum, host) => sum + (host.capacity?.freeSlots ?? 0), 0),
    availableHosts: up.length,
    queueDepth: [...state.jobs.values()].filter(isQueued).length,
  };
}

export function hostGauges(state: RouterState): Array<[hostname: string, gauges: HostGauges]> {
  return state.policy.hosts.map(({ hostname }) => {
    const host = state.hosts.get(hostname);
    const capacity = host?.capacity ?? null;
    return [
      hostname,
      {
        reachable: host?.up ?? false,
        capacity: capacity?.virtualMachineLimit ?? 0,
        busy: capacity === null ? 0 : capacity.activeVirtualMachines,
      },
    ];
  });
}
