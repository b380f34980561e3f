/** The pure functions' settings, derived from tart-router.yaml. */
import type { RouterConfig } from "../config/router-config.js";
import type { RouterPolicy } from "./router-model.js";

/** Later events kept per down host; beyond this the oldest are dropped (and logged). */
export const OUTBOX_LIMIT = 1000;

export function routerPolicy(config: RouterConfig): RouterPolicy {
  return {
    hosts: config.hosts,
    // Long enough for a few missed status polls and a timed-out forward, so a host that blips
    // (a restart, a network hiccup) keeps its jobs; see docs/router.md for the trade-off.
    takeoverGraceMs: Math.max(3 * config.statusIntervalMs, 2 * config.forwardTimeoutMs),
    backoffInitialMs: config.hostBackoff.initialMs,
    backoffMaxMs: config.hostBackoff.maxMs,
    outboxLimit: OUTBOX_LIMIT,
    completedRetentionMs: 6 * 3600_000,
    staleRetentionMs: 48 * 3600_000,
  };
}
