/**
 * VM names are also runner names, and they carry ownership: `tart-executor-<host>-<random>`.
 * A router learns from a runner name which executor owns the runner; start-up cleanup deletes only
 * names with this host's prefix. Names never contain `/`, `:` or `@` (tart would read them as
 * registry references, tart-cli.md §5.8).
 */
export const VM_NAME_PREFIX = "tart-executor-";

/** The host part of VM names: the hostname lower-cased, reduced to [a-z0-9-], at most 24 characters. */
export function hostId(hostname: string): string {
  const id = hostname
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 24)
    .replace(/-$/, "");
  return id === "" ? "host" : id;
}

/** A new VM name for this host; `random` supplies 8 base-36 characters' worth of entropy. */
export function formatVmName(host: string, random: () => number): string {
  let suffix = "";
  for (let index = 0; index < 8; index += 1) suffix += Math.floor(random() * 36).toString(36);
  return `${VM_NAME_PREFIX}${hostId(host)}-${suffix}`;
}

/** Whether a VM (or runner) name was made by the executor on `host`. */
export function isOwnVmName(name: string, host: string): boolean {
  return new RegExp(`^${VM_NAME_PREFIX}${hostId(host)}-[0-9a-z]{8}$`).test(name);
}

/** The host id inside a VM name made by any executor, or null for foreign names. */
export function vmNameHost(name: string): string | null {
  const match = /^tart-executor-([a-z0-9-]+)-[0-9a-z]{8}$/.exec(name);
  return match?.[1] ?? null;
}
