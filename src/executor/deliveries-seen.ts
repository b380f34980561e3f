import type { Ledger } from "./model.js";

/** Whether the ledger has seen a delivery GUID (the set is built once, on first use). */
export function deliveriesSeen(ledger: Ledger): (guid: string) => boolean {
  let seen: Set<string> | undefined;
  return (guid) => {
    seen ??= new Set([...ledger.jobs.values()].flatMap((job) => job.deliveries));
    return seen.has(guid);
  };
}
