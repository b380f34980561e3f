/**
 * Resource labels in `runs-on`: `cpu:N` and `memory:N` (MiB, what `tart set --memory` takes),
 * and the original's `minCpu:N` / `minMemory:N`, which it parsed but never used. All four are
 * read as lower bounds on the VM; when several are given the largest wins, so a job asking for
 * `cpu:2` and `minCpu:4` gets 4 CPUs. Prefixes are case-insensitive, like all GitHub labels.
 */

export type ResourceLabel =
  | { readonly kind: "cpu" | "memory"; readonly value: number }
  | { readonly kind: "invalid"; readonly reason: string };

/** No Mac has more; a larger value is a typo, not a request. */
export const MAX_CPU = 1024;
export const MAX_MEMORY_MIB = 1024 * 1024;

const PREFIXES: ReadonlyMap<string, "cpu" | "memory"> = new Map([
  ["cpu:", "cpu"],
  ["mincpu:", "cpu"],
  ["memory:", "memory"],
  ["minmemory:", "memory"],
]);

/** Reads a resource label; null when the label is not one. */
export function parseResourceLabel(label: string): ResourceLabel | null {
  const colon = label.indexOf(":");
  if (colon === -1) return null;
  const kind = PREFIXES.get(label.slice(0, colon + 1).toLowerCase());
  if (kind === undefined) return null;
  const text = label.slice(colon + 1);
  const max = kind === "cpu" ? MAX_CPU : MAX_MEMORY_MIB;
  const value = /^[0-9]{1,10}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 1 && value <= max)) {
    return { kind: "invalid", reason: `${JSON.stringify(label)}: expected a whole number from 1 to ${max}` };
  }
  return { kind, value };
}
