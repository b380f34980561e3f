/**
 * Pauses a warm pool's refills after its VMs fail, so that a broken image or a full disk does not
 * make the executor clone and boot in a tight loop. A warm VM has no job to count attempts
 * against, so the pool keeps its own count: `backoffMs × 2^(failures−1)`, at most 15 minutes,
 * back to zero once one of its VMs has a runner online.
 */
import type { Ledger, LedgerEvent } from "./model.js";
import { isWarm } from "./reconcile/warm-pool.js";

const MAX_WAIT_MS = 15 * 60_000;

export class WarmBackoff {
  readonly #failures = new Map<string, { count: number; at: number }>();
  readonly #backoffMs: () => number;

  constructor(backoffMs: () => number) {
    this.#backoffMs = backoffMs;
  }

  /** Call with every event a VM lifecycle reports, before it is applied. */
  observe(event: LedgerEvent, ledger: Ledger): void {
    if (event.type !== "vm-failed" && !(event.type === "vm-phase" && event.phase === "idle")) return;
    const vm = ledger.vms.get(event.vm);
    if (vm === undefined || !isWarm(vm)) return;
    if (event.type === "vm-phase") {
      this.#failures.delete(vm.forJob);
      return;
    }
    // A runner that took a job did not fail the pool.
    if (vm.tookJob || vm.failure !== null) return;
    const count = (this.#failures.get(vm.forJob)?.count ?? 0) + 1;
    this.#failures.set(vm.forJob, { count, at: event.at });
  }

  /** True while the pool `key` must wait before its next VM. */
  waiting(key: string, now: number): boolean {
    const failed = this.#failures.get(key);
    if (failed === undefined) return false;
    const wait = Math.min(MAX_WAIT_MS, this.#backoffMs() * 2 ** (failed.count - 1));
    return now - failed.at < wait;
  }
}
