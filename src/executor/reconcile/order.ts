/**
 * Stable orderings. The reconciler sorts instead of trusting Map insertion order, so two ledgers
 * with the same content always give the same actions.
 */
import type { JobRecord, Ledger, VmRecord } from "../model.js";

/** Jobs in arrival order. */
export function jobsBySeq(ledger: Ledger): JobRecord[] {
  return [...ledger.jobs.values()].sort((a, b) => a.seq - b.seq || compareText(a.key, b.key));
}

/** VMs oldest first. */
export function vmsByAge(ledger: Ledger): VmRecord[] {
  return [...ledger.vms.values()].sort((a, b) => a.createdAt - b.createdAt || compareText(a.name, b.name));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
