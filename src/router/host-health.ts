/**
 * Pure transitions of one executor's health. A host is down from its first failed status check or
 * forward (each already waited up to forwardTimeoutSeconds) and is probed again after an
 * exponential backoff; one good status answer brings it back.
 */
import type { HostState, RouterPolicy } from "./router-model.js";
import type { CapacitySummary } from "../shared/router-protocol.js";

/** A host the router has not heard from yet: down, to be probed at once. */
export function unknownHost(hostname: string, since: number): HostState {
  return {
    hostname,
    up: false,
    downSince: since,
    failures: 0,
    retryAt: since,
    capacity: null,
    lastSeenAt: null,
    outbox: [],
    eventInFlight: null,
    outboxDropped: 0,
  };
}

/** The pause after `failures` consecutive failures: initial, doubled each time, capped. */
export function backoffMs(failures: number, policy: RouterPolicy): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(policy.backoffInitialMs * 2 ** exponent, policy.backoffMaxMs);
}

/** A good status answer: the host is up, its failure count and backoff are cleared. */
export function hostAnswered(host: HostState, at: number, capacity: CapacitySummary): HostState {
  return { ...host, up: true, downSince: null, failures: 0, retryAt: at, capacity, lastSeenAt: at };
}

/** A failed status check or forward: down (or still down) with a longer backoff. */
export function hostFailed(host: HostState, at: number, policy: RouterPolicy): HostState {
  const failures = host.failures + 1;
  return {
    ...host,
    up: false,
    downSince: host.downSince ?? at,
    failures,
    retryAt: at + backoffMs(failures, policy),
  };
}

/** A forward answer refreshes what the router knows of the host's capacity, not its health. */
export function capacityRefreshed(host: HostState, at: number, capacity: CapacitySummary): HostState {
  return { ...host, capacity, lastSeenAt: at };
}

/**
 * Whether the queued jobs of `owner` may go elsewhere at `now`: it is gone from the
 * configuration, or it has been down for the whole grace period.
 */
export function ownerLost(owner: HostState | undefined, now: number, policy: RouterPolicy): boolean {
  if (owner === undefined) return true;
  return !owner.up && owner.downSince !== null && now - owner.downSince >= policy.takeoverGraceMs;
}
