/**
 * The router ledger: a pure, total reducer from RouterEvents to RouterState. Stale or impossible
 * events (an answer for a forward no longer in flight, a host gone from the configuration) leave
 * the state as it is, so replaying the journal after a crash gives back exactly the same state.
 */
import { forwardAnswered, forwardFailed, forwardStarted } from "./apply-forward.js";
import { applyDelivery } from "./apply-delivery.js";
import { capacityRefreshed, hostAnswered, hostFailed, unknownHost } from "./host-health.js";
import { indexJobs, putJob, removeJobs } from "./job-index.js";
import { PersistentMap } from "./persistent-map.js";
import type { HostState, RouterEvent, RouterJob, RouterPolicy, RouterState } from "./router-model.js";
import { updateHost } from "./state-updates.js";

export function emptyRouterState(policy: RouterPolicy, now: number): RouterState {
  return {
    policy,
    jobs: PersistentMap.empty(),
    awaiting: [],
    held: new Map(),
    hosts: new Map(policy.hosts.map((host) => [host.hostname, unknownHost(host.hostname, now)])),
    nextSeq: 1,
  };
}

export function applyRouterEvent(state: RouterState, event: RouterEvent): RouterState {
  switch (event.type) {
    case "delivery":
      return applyDelivery(state, event.at, event.facts, event.delivery);
    case "forward-started":
      return forwardStarted(state, event.at, event.job, event.host, event.kind);
    case "forward-answered":
      return forwardAnswered(state, event.at, event.job, event.host, event.result, event.capacity);
    case "forward-failed":
      return forwardFailed(state, event.at, event.job, event.host, event.kind, event.failure);
    case "event-started":
      return updateHost(state, event.host, (host) =>
        host.eventInFlight === null && host.outbox[0]?.id === event.delivery
          ? { ...host, eventInFlight: event.delivery }
          : host,
      );
    case "event-answered":
      return updateHost(state, event.host, (host) =>
        capacityRefreshed(eventDone(host, event.delivery, true), event.at, event.capacity),
      );
    case "event-failed":
      return updateHost(state, event.host, (host) => {
        // A delivery the executor calls malformed will never pass: drop it instead of blocking the outbox.
        if (event.failure === "invalid") return eventDone(host, event.delivery, true);
        if (event.failure === "not-sent") return eventDone(host, event.delivery, false);
        return hostFailed(eventDone(host, event.delivery, false), event.at, state.policy);
      });
    case "host-answered":
      return updateHost(state, event.host, (host) => hostAnswered(host, event.at, event.capacity));
    case "host-failed":
      return updateHost(state, event.host, (host) => hostFailed(host, event.at, state.policy));
    case "jobs-pruned":
      return pruneJobs(state, event.at);
    case "job-cancelled": {
      const job = state.jobs.get(event.job);
      if (job === undefined || !isCancellable(job)) return state;
      return putJob(state, { ...job, dispatch: null, undeliverable: event.reason, updatedAt: event.at });
    }
  }
}

/** Only a job waiting in the router's own queue can be cancelled here; a host's jobs are cancelled on that host. */
export function isCancellable(job: RouterJob): boolean {
  return job.status === "queued" && job.dispatch !== null && job.inFlightTo === null && !job.ownerConfirmed;
}

/** The outbox send of `delivery` is over; `sent` removes it from the head. */
function eventDone(host: HostState, delivery: string, sent: boolean): HostState {
  const eventInFlight = host.eventInFlight === delivery ? null : host.eventInFlight;
  const outbox = sent && host.outbox[0]?.id === delivery ? host.outbox.slice(1) : host.outbox;
  return { ...host, eventInFlight, outbox };
}

/** Whether the job can be forgotten at `at`: finished long enough ago, or untouched for days. */
export function isPrunable(job: RouterJob, at: number, policy: RouterPolicy): boolean {
  if (job.inFlightTo !== null) return false;
  const age = at - job.updatedAt;
  return age >= policy.staleRetentionMs || (job.status === "completed" && age >= policy.completedRetentionMs);
}

function pruneJobs(state: RouterState, at: number): RouterState {
  const gone = [...state.jobs.values()]
    .filter((job) => isPrunable(job, at, state.policy))
    .map((job) => job.key);
  return gone.length === 0 ? state : removeJobs(state, gone);
}

/**
 * After a restart nothing is in flight and nothing is known about the hosts' health: every
 * configured host starts down since `now` (probed at once), outboxes are kept, hosts no longer
 * configured are dropped, and new ones are added.
 */
export function restartedState(state: RouterState, policy: RouterPolicy, now: number): RouterState {
  const jobs = PersistentMap.from(
    [...state.jobs.values()].map(
      (job) => [job.key, job.inFlightTo === null ? job : { ...job, inFlightTo: null }] as const,
    ),
  );
  const hosts = new Map<string, HostState>();
  for (const { hostname } of policy.hosts) {
    const outbox = state.hosts.get(hostname)?.outbox ?? [];
    hosts.set(hostname, { ...unknownHost(hostname, now), outbox });
  }
  return { policy, jobs, ...indexJobs(jobs), hosts, nextSeq: state.nextSeq };
}
