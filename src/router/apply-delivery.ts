/**
 * The reducer's part for a new GitHub delivery: de-duplication, the job's status, and where the
 * delivery must go. A `queued` job nobody owns joins the dispatch queue; later events go to the
 * owner, the runner's host and every host that was told about the job before; events of jobs the
 * router never saw are broadcast, so every executor accounts as a standalone one would.
 */
import { neverFitsReason } from "./job-needs.js";
import { MAX_DELIVERY_IDS } from "./router-model.js";
import type { JobFacts, RouterJob, RouterJobStatus, RouterState, StoredDelivery } from "./router-model.js";
import { runnerHost } from "./runner-host.js";
import { pushOutbox, union, withJob } from "./state-updates.js";

export function applyDelivery(
  state: RouterState,
  at: number,
  facts: JobFacts,
  delivery: StoredDelivery,
): RouterState {
  const existing = state.jobs.get(facts.key);
  if (existing?.deliveryIds.includes(delivery.id) === true) return state;
  const runner = runnerHost(facts.runnerName, state.policy.hosts);
  const { job, targets } =
    existing === undefined
      ? firstSight(state, at, facts, delivery, runner)
      : laterDelivery(existing, at, facts, delivery, runner);
  const nextSeq = existing === undefined ? state.nextSeq + 1 : state.nextSeq;
  const updated = withJob({ ...state, nextSeq }, { ...job, informed: union(job.informed, ...targets) });
  if (targets.length === 0) return updated;
  const hosts = new Map(updated.hosts);
  for (const target of targets) {
    const host = hosts.get(target);
    if (host !== undefined) hosts.set(target, pushOutbox(host, delivery, state.policy.outboxLimit));
  }
  return { ...updated, hosts };
}

interface Routed {
  readonly job: RouterJob;
  readonly targets: readonly string[];
}

function firstSight(
  state: RouterState,
  at: number,
  facts: JobFacts,
  delivery: StoredDelivery,
  runner: string | null,
): Routed {
  const action = delivery.action;
  const undeliverable = neverFitsReason(facts.labels, state.policy.hosts);
  const job: RouterJob = {
    ...facts,
    status: action,
    seq: state.nextSeq,
    firstSeenAt: at,
    updatedAt: at,
    dispatch: action === "queued" && undeliverable === null ? delivery : null,
    owner: null,
    ownerConfirmed: false,
    inFlightTo: null,
    informed: [],
    runnerHost: runner,
    declinedBy: [],
    undeliverable,
    deliveryIds: [delivery.id],
  };
  // A running or finished job we never saw: any executor may hold it (or a VM waiting for it).
  const broadcast = action === "in_progress" || action === "completed";
  return { job, targets: broadcast ? state.policy.hosts.map((host) => host.hostname) : [] };
}

function laterDelivery(
  existing: RouterJob,
  at: number,
  facts: JobFacts,
  delivery: StoredDelivery,
  runner: string | null,
): Routed {
  const deliveryIds = [...existing.deliveryIds, delivery.id].slice(-MAX_DELIVERY_IDS);
  // Completed is final: a late event changes nothing and goes nowhere.
  if (existing.status === "completed") return { job: { ...existing, deliveryIds }, targets: [] };
  const action = delivery.action;
  const status = nextStatus(existing.status, action);
  const running = status === "in_progress" || status === "completed";
  const job: RouterJob = {
    ...existing,
    status,
    updatedAt: at,
    deliveryIds,
    runnerHost: runner ?? existing.runnerHost,
    runnerName: facts.runnerName ?? existing.runnerName,
    dispatch: running
      ? null
      : action === "queued" && existing.undeliverable === null
        ? delivery
        : existing.dispatch,
  };
  return { job, targets: targetsOf(job, action) };
}

function nextStatus(current: RouterJobStatus, action: RouterJobStatus): RouterJobStatus {
  if (action === "completed") return "completed";
  if (action === "in_progress") return "in_progress";
  // queued and waiting can alternate (environment approvals); neither undoes a running job.
  return current === "in_progress" ? current : action;
}

/**
 * Hosts that must see this delivery. An owner still being asked (unconfirmed) is not sent
 * queued/waiting re-deliveries separately: the dispatch forward carries the newest bytes, and a
 * second `queued` racing it could be accepted while the router hears `full`.
 */
function targetsOf(job: RouterJob, action: RouterJobStatus): readonly string[] {
  const later = action === "in_progress" || action === "completed";
  if (later) return union(job.informed, job.owner, job.runnerHost);
  const owner = job.ownerConfirmed ? job.owner : null;
  return union(job.informed, owner).filter((host) => job.ownerConfirmed || host !== job.owner);
}
