/**
 * The reducer's part for forwards of queued jobs: a job is in flight to one host at a time, the
 * host owns it once it answers `accepted`/`duplicate`, and ownership only passes to another host
 * when the job is still queued and its owner has been down for the whole grace period.
 */
import { capacityRefreshed, hostFailed, ownerLost } from "./host-health.js";
import { fitsLimits, jobNeeds } from "./job-needs.js";
import type { DispatchKind, ForwardFailure, RouterJob, RouterState } from "./router-model.js";
import type { CapacitySummary, ForwardResult } from "../shared/router-protocol.js";
import { union, updateHost, withJob } from "./state-updates.js";

/** Whether `host` may be sent the job now; the planner and the reducer share this rule. */
export function mayStart(
  state: RouterState,
  job: RouterJob,
  host: string,
  kind: DispatchKind,
  at: number,
): boolean {
  if (!state.hosts.has(host)) return false;
  if (job.status !== "queued" || job.dispatch === null || job.inFlightTo !== null) return false;
  if (job.undeliverable !== null) return false;
  if (kind === "confirm") return job.owner === host && !job.ownerConfirmed;
  if (job.owner === null) return true;
  return job.owner !== host && ownerLost(state.hosts.get(job.owner), at, state.policy);
}

export function forwardStarted(
  state: RouterState,
  at: number,
  key: string,
  host: string,
  kind: DispatchKind,
): RouterState {
  const job = state.jobs.get(key);
  if (job === undefined || !mayStart(state, job, host, kind, at)) return state;
  return withJob(state, { ...job, owner: host, ownerConfirmed: false, inFlightTo: host });
}

export function forwardAnswered(
  state: RouterState,
  at: number,
  key: string,
  host: string,
  result: ForwardResult,
  capacity: CapacitySummary,
): RouterState {
  // `full` means no room for this job: skip the host for every job until it reports room again.
  const seen = result === "full" ? { ...capacity, freeSlots: 0 } : capacity;
  const next = updateHost(state, host, (h) => capacityRefreshed(h, at, seen));
  const job = next.jobs.get(key);
  if (job === undefined || job.inFlightTo !== host) return next;
  switch (result) {
    case "accepted":
    case "duplicate":
    case "recorded":
      return withJob(next, {
        ...job,
        inFlightTo: null,
        owner: host,
        ownerConfirmed: true,
        informed: union(job.informed, host),
      });
    case "full":
      return withJob(next, release(job, host));
    case "ignored":
      return withJob(next, declined(next, job, host));
  }
}

export function forwardFailed(
  state: RouterState,
  at: number,
  key: string,
  host: string,
  kind: DispatchKind,
  failure: ForwardFailure,
): RouterState {
  // A 4xx says nothing about the host's health, and a forward never sent says nothing at all.
  const healthy = failure === "invalid" || failure === "not-sent";
  const next = healthy ? state : updateHost(state, host, (h) => hostFailed(h, at, state.policy));
  const job = next.jobs.get(key);
  if (job === undefined || job.inFlightTo !== host) return next;
  switch (failure) {
    case "refused":
    case "unauthorized":
    case "not-sent":
      // Nothing was recorded by this request; an earlier uncertain one (confirm) still may have been.
      return withJob(next, kind === "dispatch" ? release(job, host) : { ...job, inFlightTo: null });
    case "invalid":
      return withJob(next, declined(next, job, host));
    case "failed":
      // It may have been recorded: the host keeps the job, unconfirmed, until it answers again
      // or stays down for the grace period.
      return withJob(next, { ...job, inFlightTo: null, informed: union(job.informed, host) });
  }
}

/** The host did not take the job: it goes back to the queue (unless another host confirmed it). */
function release(job: RouterJob, host: string): RouterJob {
  const wasOwner = job.owner === host && !job.ownerConfirmed;
  return { ...job, inFlightTo: null, ...(wasOwner ? { owner: null, ownerConfirmed: false } : {}) };
}

/** The host will never take the job; when every host that could has said so, it is undeliverable. */
function declined(state: RouterState, job: RouterJob, host: string): RouterJob {
  const declinedBy = union(job.declinedBy, host);
  const needs = jobNeeds(job.labels);
  const candidates = state.policy.hosts.filter((h) => !needs.ok || fitsLimits(needs.needs, h));
  const remaining = candidates.filter((h) => !declinedBy.includes(h.hostname));
  const released = { ...release(job, host), declinedBy };
  if (remaining.length > 0) return released;
  return {
    ...released,
    dispatch: null,
    undeliverable: `every host that could run it refused it (${declinedBy.join(", ")})`,
  };
}
