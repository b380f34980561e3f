/**
 * The state's job collection and the two indexes a dispatch pass needs, kept in step by the only
 * functions that change jobs: `awaiting` (queued jobs no host has confirmed, and every job in
 * flight, in arrival order) and `held` (per host, how many queued jobs it confirmed: they move only when that host is lost).
 * A pass then looks at the queue, not at every job the router remembers.
 */
import { PersistentMap } from "./persistent-map.js";
import type { RouterJob, RouterState } from "./router-model.js";

/**
 * Queued, dispatchable and not yet confirmed by a host; or in flight, whatever its status became
 * meanwhile (the forward holds one of the host's slots until it is answered).
 */
export function awaitsPlacement(job: RouterJob): boolean {
  if (job.inFlightTo !== null) return true;
  return (
    job.status === "queued" && job.dispatch !== null && job.undeliverable === null && !job.ownerConfirmed
  );
}

/** The host that confirmed this still-queued job, if any. */
export function heldBy(job: RouterJob): string | null {
  const dispatchable = job.status === "queued" && job.dispatch !== null && job.undeliverable === null;
  return dispatchable && job.ownerConfirmed ? job.owner : null;
}

export function putJob(state: RouterState, job: RouterJob): RouterState {
  const old = state.jobs.get(job.key);
  const jobs = state.jobs.set(job.key, job);
  const was = old !== undefined && awaitsPlacement(old);
  const is = awaitsPlacement(job);
  const awaiting =
    was === is
      ? state.awaiting
      : is
        ? insertBySeq(state.awaiting, job, jobs)
        : without(state.awaiting, job.key);
  const held = moveHold(state.held, old === undefined ? null : heldBy(old), heldBy(job));
  return { ...state, jobs, awaiting, held };
}

export function removeJobs(state: RouterState, keys: readonly string[]): RouterState {
  let jobs = state.jobs;
  for (const key of keys) jobs = jobs.delete(key);
  return { ...state, jobs, ...indexJobs(jobs) };
}

/** Both indexes, built from scratch (after loading a snapshot or pruning). */
export function indexJobs(jobs: PersistentMap<RouterJob>): Pick<RouterState, "awaiting" | "held"> {
  const waiting: RouterJob[] = [];
  const held = new Map<string, number>();
  for (const job of jobs.values()) {
    if (awaitsPlacement(job)) waiting.push(job);
    const holder = heldBy(job);
    if (holder !== null) held.set(holder, (held.get(holder) ?? 0) + 1);
  }
  return { awaiting: waiting.sort((a, b) => a.seq - b.seq).map((job) => job.key), held };
}

function insertBySeq(
  keys: readonly string[],
  job: RouterJob,
  jobs: PersistentMap<RouterJob>,
): readonly string[] {
  // New jobs have the highest seq: appending is the common case.
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((jobs.get(keys[middle]!)?.seq ?? 0) < job.seq) low = middle + 1;
    else high = middle;
  }
  return [...keys.slice(0, low), job.key, ...keys.slice(low)];
}

function without(keys: readonly string[], key: string): readonly string[] {
  const index = keys.indexOf(key);
  return index === -1 ? keys : [...keys.slice(0, index), ...keys.slice(index + 1)];
}

function moveHold(
  held: ReadonlyMap<string, number>,
  from: string | null,
  to: string | null,
): ReadonlyMap<string, number> {
  if (from === to) return held;
  const next = new Map(held);
  if (from !== null) {
    const count = (next.get(from) ?? 0) - 1;
    if (count > 0) next.set(from, count);
    else next.delete(from);
  }
  if (to !== null) next.set(to, (next.get(to) ?? 0) + 1);
  return next;
}
