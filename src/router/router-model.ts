/**
 * The router's model: what it knows about jobs and executors, the events that change it (all of
 * them journaled, so a replay reproduces the state exactly), and the forwards the pure planner
 * asks the engine to send. Rules: ../../docs/router.md.
 */
import type { RouterHostConfig } from "../config/router-config.js";
import type { PersistentMap } from "./persistent-map.js";
import type { CapacitySummary, ForwardResult } from "../shared/router-protocol.js";

/** GitHub's workflow_job statuses. queued/waiting follow the latest; in_progress and completed only move forward. */
export type RouterJobStatus = "queued" | "waiting" | "in_progress" | "completed";

/** A GitHub delivery exactly as it must be forwarded: the headers router-protocol.ts lists, and the bytes. */
export interface StoredDelivery {
  /** `X-GitHub-Delivery`. */
  readonly id: string;
  readonly action: RouterJobStatus;
  readonly headers: Readonly<Record<string, string>>;
  /** The original body, base64 (JSON-safe and byte-exact). */
  readonly body: string;
}

/** What the router reads from a delivery. */
export interface JobFacts {
  /** `${repo.toLowerCase()}#${jobId}#${runAttempt}`. */
  readonly key: string;
  readonly repo: string;
  readonly jobId: number;
  readonly runAttempt: number;
  readonly labels: readonly string[];
  readonly runnerName: string | null;
  readonly htmlUrl: string | null;
}

export interface RouterJob extends JobFacts {
  readonly status: RouterJobStatus;
  /** Arrival order, taken when the job is first seen. */
  readonly seq: number;
  readonly firstSeenAt: number;
  readonly updatedAt: number;
  /** The queued delivery to forward when (re-)dispatching; null once the job can no longer be dispatched. */
  readonly dispatch: StoredDelivery | null;
  /** The executor the job was handed to (or is being handed to); at most one. */
  readonly owner: string | null;
  /** False until the owner answered `accepted`/`duplicate`; an unconfirmed owner is asked again. */
  readonly ownerConfirmed: boolean;
  /** The forward of `dispatch` in flight, if any (one at a time). */
  readonly inFlightTo: string | null;
  /** Hosts given any delivery of this job: they receive its later events too. */
  readonly informed: readonly string[];
  /** The executor whose runner took the job (from `runner_name`). */
  readonly runnerHost: string | null;
  /** Hosts that answered `ignored` (or 4xx) to this job. */
  readonly declinedBy: readonly string[];
  /** Why no host can ever take this job; set once, then the job stays out of the queue. */
  readonly undeliverable: string | null;
  /** Delivery ids seen, for de-duplication (the last MAX_DELIVERY_IDS). */
  readonly deliveryIds: readonly string[];
}

export interface HostState {
  readonly hostname: string;
  readonly up: boolean;
  /** When the current down period began (null while up). */
  readonly downSince: number | null;
  readonly failures: number;
  /** A down host is probed again at this time. */
  readonly retryAt: number;
  readonly capacity: CapacitySummary | null;
  readonly lastSeenAt: number | null;
  /** Later events waiting to be sent to this host, oldest first (bounded). */
  readonly outbox: readonly StoredDelivery[];
  /** The outbox head being sent, if any. */
  readonly eventInFlight: string | null;
  /** Outbox entries dropped because the outbox was full. */
  readonly outboxDropped: number;
}

/** Settings the pure functions need; from the config, never journaled. */
export interface RouterPolicy {
  /** Sorted by priority (stable): the order ties fall back to. */
  readonly hosts: readonly RouterHostConfig[];
  /** How long an owner must have been down before its queued jobs go elsewhere. */
  readonly takeoverGraceMs: number;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  readonly outboxLimit: number;
  readonly completedRetentionMs: number;
  /** Any job untouched this long is forgotten (GitHub cancels jobs queued for 24 h). */
  readonly staleRetentionMs: number;
}

export interface RouterState {
  readonly policy: RouterPolicy;
  readonly jobs: PersistentMap<RouterJob>;
  /** Keys of queued jobs no host has confirmed, in arrival order (see job-index.ts). */
  readonly awaiting: readonly string[];
  /** Per host, the queued jobs it confirmed (see job-index.ts). */
  readonly held: ReadonlyMap<string, number>;
  readonly hosts: ReadonlyMap<string, HostState>;
  readonly nextSeq: number;
}

/** `dispatch`: hand a queued job to a host; `confirm`: ask an unconfirmed owner again (idempotent there). */
export type DispatchKind = "dispatch" | "confirm";

/**
 * Why a forward got no usable answer. `refused`: the connection was never made, so nothing was
 * delivered; `unauthorized`: 401/403, the host is misconfigured; `invalid`: another 4xx, the host
 * refuses this delivery; `failed`: timeout, reset, 5xx or a garbled answer — it may have been
 * recorded; `not-sent`: the router could not record its intent, so it did not send (the host is
 * not to blame).
 */
export type ForwardFailure = "refused" | "unauthorized" | "invalid" | "failed" | "not-sent";

export type RouterEvent =
  | {
      readonly type: "delivery";
      readonly at: number;
      readonly facts: JobFacts;
      readonly delivery: StoredDelivery;
    }
  | {
      readonly type: "forward-started";
      readonly at: number;
      readonly job: string;
      readonly host: string;
      readonly kind: DispatchKind;
    }
  | {
      readonly type: "forward-answered";
      readonly at: number;
      readonly job: string;
      readonly host: string;
      readonly kind: DispatchKind;
      readonly result: ForwardResult;
      readonly capacity: CapacitySummary;
    }
  | {
      readonly type: "forward-failed";
      readonly at: number;
      readonly job: string;
      readonly host: string;
      readonly kind: DispatchKind;
      readonly failure: ForwardFailure;
    }
  | { readonly type: "event-started"; readonly at: number; readonly host: string; readonly delivery: string }
  | {
      readonly type: "event-answered";
      readonly at: number;
      readonly host: string;
      readonly delivery: string;
      readonly capacity: CapacitySummary;
    }
  | {
      readonly type: "event-failed";
      readonly at: number;
      readonly host: string;
      readonly delivery: string;
      readonly failure: ForwardFailure;
    }
  | {
      readonly type: "host-answered";
      readonly at: number;
      readonly host: string;
      readonly capacity: CapacitySummary;
    }
  | { readonly type: "host-failed"; readonly at: number; readonly host: string }
  | { readonly type: "jobs-pruned"; readonly at: number }
  /** An operator took a job out of the router's queue (only while no host holds or is being given it). */
  | { readonly type: "job-cancelled"; readonly at: number; readonly job: string; readonly reason: string };

/** One request the engine should send now. */
export type Forward =
  | {
      readonly kind: DispatchKind;
      readonly job: string;
      readonly host: string;
      readonly delivery: StoredDelivery;
    }
  | { readonly kind: "event"; readonly host: string; readonly delivery: StoredDelivery };

export const MAX_DELIVERY_IDS = 20;

export function jobKey(repo: string, jobId: number, runAttempt: number): string {
  return `${repo.toLowerCase()}#${jobId}#${runAttempt}`;
}
