/**
 * The pure reconciler: from the ledger, the clock and the host's capacity, the actions that bring
 * the world towards "every queued job we serve has exactly one VM ready for it, within capacity,
 * in arrival order". No I/O, no clock reads; the same input always gives the same actions.
 * Rules: ../../docs/reconciler.md.
 */
import type { Action, Capacity, Ledger, ReconcilePolicy } from "./model.js";
import { coverage } from "./reconcile/coverage.js";
import { pruneActions, startActions } from "./reconcile/job-rules.js";
import { vmsByAge } from "./reconcile/order.js";
import { decideVm } from "./reconcile/vm-rules.js";
import type { WarmPoolPolicy } from "./reconcile/warm-pool.js";
import { reconcileWithWarmPool } from "./reconcile/warm-reconcile.js";

export { coverage, isCoverable, needsRunner } from "./reconcile/coverage.js";
export { usage, type Usage } from "./reconcile/capacity.js";
export { labelsSatisfy, canServe } from "./reconcile/labels.js";
export { jobCounts, type JobCounts } from "./reconcile/counts.js";

export interface ReconcileInput {
  readonly ledger: Ledger;
  readonly now: number;
  readonly capacity: Capacity;
  readonly policy: ReconcilePolicy;
  /** The warm pool (reconcile/warm-pool.ts); absent: no pool, and no warm VM is kept. */
  readonly warm?: WarmPoolPolicy | undefined;
}

/**
 * Actions come out as: per-VM actions (oldest VM first), then give-ups and starts (arrival
 * order), then prunes. The order carries no meaning beyond being deterministic; each VM gets at
 * most one action.
 *
 * A VM torn down in this pass still covers its job in this pass: its job becomes uncovered (and
 * its attempt is counted) only once the ledger records the teardown, so a replacement is never
 * started on a stale attempt count and never beyond the slot the old VM still holds.
 */
export function reconcile(input: ReconcileInput): Action[] {
  if (input.warm !== undefined) return reconcileWithWarmPool(input, input.warm);
  const { ledger, now, capacity, policy } = input;
  const covered = coverage(ledger);
  const covering = new Set(covered.values());
  const vmActions = vmsByAge(ledger)
    .map((vm) => decideVm(vm, { ledger, now, policy, covering }))
    .filter((action): action is Action => action !== null);
  return [
    ...vmActions,
    ...startActions(ledger, covered, capacity, policy, now),
    ...pruneActions(ledger, now, policy),
  ];
}
