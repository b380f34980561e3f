/**
 * The dispatcher: a pure function from the state to the forwards to send now.
 *
 * - Each up host with a waiting outbox gets its next later-event (one at a time, in order).
 * - An unconfirmed owner that is up is asked again (`confirm`; the executor answers `duplicate`
 *   if it already has the job).
 * - Queued jobs nobody owns (or whose owner has been down for the grace period) are placed in
 *   arrival order, each on the up host that has a free slot (minus forwards in flight), fits the
 *   job's cpu/memory labels within its limits and current budget, and has not declined it: lowest
 *   priority first, then fewest busy slots, then config order — except that a host with an idle
 *   warm VM whose runner labels include the job's comes before all others (the job starts there
 *   in seconds; docs/warm-pool.md). A job that fits nowhere now keeps its place; later jobs may
 *   still take hosts it cannot use.
 */
import type { RouterHostConfig } from "../config/router-config.js";
import { mayStart } from "./apply-forward.js";
import { ownerLost } from "./host-health.js";
import { heldBy } from "./job-index.js";
import { fitsBudgetNow, fitsLimits, jobNeeds } from "./job-needs.js";
import type { JobNeeds } from "./job-needs.js";
import type { Forward, HostState, RouterJob, RouterState } from "./router-model.js";
import type { CapacitySummary } from "../shared/router-protocol.js";

interface Slot {
  readonly config: RouterHostConfig;
  readonly order: number;
  readonly host: HostState;
  /** The last reported capacity, with this pass's placements added to its CPU and memory use. */
  capacity: CapacitySummary | null;
  /** Slots still free in this pass. */
  free: number;
  /** Busy or promised slots, for the tie-break. */
  busy: number;
}

export function planDispatch(state: RouterState, now: number): Forward[] {
  const forwards: Forward[] = [];
  const jobs = candidates(state, now);
  const slots = hostSlots(state, jobs);
  for (const slot of slots.values()) {
    const next = slot.host.outbox[0];
    if (slot.host.up && slot.host.eventInFlight === null && next !== undefined)
      forwards.push({ kind: "event", host: slot.host.hostname, delivery: next });
  }
  for (const job of jobs) {
    if (job.status !== "queued" || job.dispatch === null || job.inFlightTo !== null) continue;
    if (job.undeliverable !== null) continue;
    const owner = job.owner === null ? undefined : slots.get(job.owner);
    if (owner !== undefined && owner.host.up) {
      if (!job.ownerConfirmed && mayStart(state, job, owner.host.hostname, "confirm", now)) {
        forwards.push({ kind: "confirm", job: job.key, host: owner.host.hostname, delivery: job.dispatch });
        take(owner, null);
      }
      continue;
    }
    if (!anyFree(slots)) continue;
    const needs = jobNeeds(job.labels);
    if (!needs.ok) continue;
    const best = bestHost(state, job, needs.needs, slots, now);
    if (best === null) continue;
    forwards.push({ kind: "dispatch", job: job.key, host: best.host.hostname, delivery: job.dispatch });
    take(best, needs.needs, job.labels);
  }
  return forwards;
}

function anyFree(slots: Map<string, Slot>): boolean {
  for (const slot of slots.values()) if (slot.free > 0) return true;
  return false;
}

function take(slot: Slot, needs: JobNeeds | null, labels: readonly string[] = []): void {
  slot.free -= 1;
  slot.busy += 1;
  if (needs === null || slot.capacity === null) return;
  // The job placed here takes the warm VM it matches, if any: the next job cannot count on it.
  const warm = slot.capacity.warmLabels ?? [];
  const used = warm.findIndex((set) => warmServes(set, labels));
  slot.capacity = {
    ...slot.capacity,
    cpuUsed: slot.capacity.cpuUsed + (needs.cpu ?? 0),
    memoryUsed: slot.capacity.memoryUsed + (needs.memoryMiB ?? 0),
    ...(used === -1 ? {} : { warmLabels: warm.filter((_, i) => i !== used) }),
  };
}

/** Whether a warm runner with `warm` labels can take a job asking for `labels` (GitHub's rule). */
function warmServes(warm: readonly string[], labels: readonly string[]): boolean {
  const have = new Set(warm.map((label) => label.toLowerCase()));
  return labels.length > 0 && labels.every((label) => have.has(label.toLowerCase()));
}

function hasWarmFor(slot: Slot, labels: readonly string[]): boolean {
  return (slot.capacity?.warmLabels ?? []).some((set) => warmServes(set, labels));
}

/**
 * The jobs a pass looks at, in arrival order: those awaiting placement (every job in flight is
 * one of them), plus the confirmed jobs of hosts lost for the grace period, if there are any.
 */
function candidates(state: RouterState, now: number): RouterJob[] {
  const awaiting = state.awaiting.flatMap((key) => state.jobs.get(key) ?? []);
  const lost = [...state.held.keys()].filter((host) => ownerLost(state.hosts.get(host), now, state.policy));
  if (lost.length === 0) return awaiting;
  const orphans = [...state.jobs.values()].filter((job) => lost.includes(heldBy(job) ?? ""));
  return [...awaiting, ...orphans].sort((a, b) => a.seq - b.seq);
}

/** Per configured host, its free slots after the forwards already in flight. */
function hostSlots(state: RouterState, jobs: readonly RouterJob[]): Map<string, Slot> {
  const inFlight = new Map<string, number>();
  for (const job of jobs) {
    if (job.inFlightTo !== null) inFlight.set(job.inFlightTo, (inFlight.get(job.inFlightTo) ?? 0) + 1);
  }
  const slots = new Map<string, Slot>();
  state.policy.hosts.forEach((config, order) => {
    const host = state.hosts.get(config.hostname);
    if (host === undefined) return;
    const flying = inFlight.get(config.hostname) ?? 0;
    const capacity = host.capacity;
    const free = host.up && capacity !== null ? capacity.freeSlots - flying : 0;
    const busy =
      capacity === null ? flying : capacity.activeVirtualMachines + capacity.uncoveredJobs + flying;
    slots.set(config.hostname, { config, order, host, capacity, free, busy });
  });
  return slots;
}

function bestHost(
  state: RouterState,
  job: RouterJob,
  needs: JobNeeds,
  slots: Map<string, Slot>,
  now: number,
): Slot | null {
  let best: Slot | null = null;
  for (const slot of slots.values()) {
    const { host, config, capacity } = slot;
    if (!host.up || slot.free <= 0 || capacity === null) continue;
    if (job.declinedBy.includes(host.hostname)) continue;
    if (!fitsLimits(needs, config) || !fitsBudgetNow(needs, capacity)) continue;
    if (!mayStart(state, job, host.hostname, "dispatch", now)) continue;
    if (best === null || better(slot, best, job.labels)) best = slot;
  }
  return best;
}

function better(a: Slot, b: Slot, labels: readonly string[]): boolean {
  const warmA = hasWarmFor(a, labels);
  if (warmA !== hasWarmFor(b, labels)) return warmA;
  if (a.config.priority !== b.config.priority) return a.config.priority < b.config.priority;
  if (a.busy !== b.busy) return a.busy < b.busy;
  return a.order < b.order;
}
