/**
 * The reconciler with a warm pool configured: the rules of reconciler.ts, plus the pool's (see
 * warm-pool.ts). Kept apart so that without a pool the reconciler is exactly what it was.
 */
import type { Action } from "../model.js";
import type { ReconcileInput } from "../reconciler.js";
import { coverage } from "./coverage.js";
import { pruneActions, startActions } from "./job-rules.js";
import { vmsByAge } from "./order.js";
import { decideVm } from "./vm-rules.js";
import {
  decideWarmVm,
  evictions,
  isWarm,
  leftoverColdVm,
  refills,
  surplusWarmVms,
  type WarmContext,
  type WarmPoolPolicy,
} from "./warm-pool.js";
import { isCoverable } from "./coverage.js";

/**
 * Output order: per-VM actions (oldest VM first, evictions included), then give-ups and starts
 * for jobs (arrival order), then pool refills (pool order), then prunes. Each VM gets at most one
 * action.
 */
export function reconcileWithWarmPool(input: ReconcileInput, warm: WarmPoolPolicy): Action[] {
  const { ledger, now, capacity, policy } = input;
  const covered = coverage(ledger);
  const covering = new Set(covered.values());
  const ctx: WarmContext = { ledger, now, capacity, policy, warm, covering };
  const surplus = surplusWarmVms(ctx);
  const decided = new Map<string, Action>();
  for (const vm of vmsByAge(ledger)) {
    if (vm.phase === "tearing-down") continue;
    const action =
      isWarm(vm) && isCoverable(vm)
        ? decideWarmVm(vm, ctx, surplus)
        : (leftoverColdVm(vm, ctx) ?? decideVm(vm, { ledger, now, policy, covering }));
    if (action !== null) decided.set(vm.name, action);
  }
  const jobActions = startActions(ledger, covered, capacity, policy, now);
  for (const action of evictions(ctx, covered, decided, jobActions)) {
    if (action.type === "teardown-vm") decided.set(action.vm, action);
  }
  const vmActions = vmsByAge(ledger).flatMap((vm) => {
    const action = decided.get(vm.name);
    return action === undefined ? [] : [action];
  });
  return [
    ...vmActions,
    ...jobActions,
    ...refills(ctx, covered, decided, jobActions),
    ...pruneActions(ledger, now, policy),
  ];
}
