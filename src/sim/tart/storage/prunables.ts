/**
 * What `tart prune` and automatic pruning may delete: OCI digest directories (tag links are only
 * names) or local VMs that are not running; and tart's LRU policies over them.
 */
import { rmSync } from "node:fs";
import { TartRuntimeError } from "../cli/errors.js";
import { listLocal } from "./local-storage.js";
import { listOci } from "./oci-storage.js";
import type { TartHome } from "./tart-home.js";
import type { VmDirectory } from "./vm-directory.js";

export function cachePrunables(home: TartHome): VmDirectory[] {
  return listOci(home)
    .filter((e) => !e.isLink)
    .map((e) => e.dir);
}

export function vmPrunables(home: TartHome): VmDirectory[] {
  return listLocal(home).filter((vm) => !vm.running());
}

/** `VMDirectory.delete()`: refuses a running VM, else removes the directory. */
export function deletePrunable(dir: VmDirectory): void {
  if (dir.running()) throw new TartRuntimeError(`VM "${dir.name}" is running`);
  rmSync(dir.base, { recursive: true, force: true });
}

export function pruneOlderThan(prunables: readonly VmDirectory[], olderThan: Date): void {
  for (const dir of prunables) if (dir.accessDate() <= olderThan) deletePrunable(dir);
}

/** Keeps the most recently used entries that fit in the budget, deletes the rest. */
export function pruneSpaceBudget(prunables: readonly VmDirectory[], budgetBytes: number): void {
  let budget = budgetBytes;
  const newestFirst = [...prunables].sort((a, b) => b.accessDate().getTime() - a.accessDate().getTime());
  const doomed: VmDirectory[] = [];
  for (const dir of newestFirst) {
    const size = dir.allocatedBytes();
    if (size <= budget) budget -= size;
    else doomed.push(dir);
  }
  doomed.forEach(deletePrunable);
}
