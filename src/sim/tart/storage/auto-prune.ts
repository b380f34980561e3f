/**
 * tart's `Prune.reclaimIfNeeded`: before a pull downloads (and after a clone), delete least
 * recently used OCI cache entries until the required space is free. The sim has no real volume
 * to measure, so this only acts when `tartSim.hostDiskGB` gives the simulated capacity.
 * `TART_NO_AUTO_PRUNE` (any value, even empty) disables it, as in tart.
 */
import { realpathSync } from "node:fs";
import type { TartContext } from "../context.js";
import { listLocal } from "./local-storage.js";
import { cachePrunables, deletePrunable } from "./prunables.js";
import type { VmDirectory } from "./vm-directory.js";

export function reclaimIfNeeded(ctx: TartContext, requiredBytes: number, initiator?: VmDirectory): void {
  if (ctx.env["TART_NO_AUTO_PRUNE"] !== undefined) return;
  const capacityGB = ctx.extras().tartSim.hostDiskGB;
  if (capacityGB === undefined) return;
  const home = ctx.home();
  const cache = cachePrunables(home);
  const used = [...listLocal(home), ...cache].reduce((sum, dir) => sum + dir.allocatedBytes(), 0);
  const available = capacityGB * 1e9 - used;
  if (available <= 0 && used === 0) return;
  if (requiredBytes < available) return;
  const reclaim = requiredBytes - available;
  const oldestFirst = cache.sort((a, b) => a.accessDate().getTime() - b.accessDate().getTime());
  if (oldestFirst.reduce((sum, dir) => sum + dir.allocatedBytes(), 0) < reclaim) return;
  // A clone's source may be a tag link; compare against the digest directory it points at.
  const spared = initiator === undefined ? undefined : realpathSync(initiator.base);
  let reclaimed = 0;
  for (const dir of oldestFirst) {
    if (reclaimed > reclaim) break;
    if (realpathSync(dir.base) === spared) continue;
    reclaimed += dir.allocatedBytes();
    deletePrunable(dir);
  }
}
