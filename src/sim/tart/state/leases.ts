/**
 * `<simDir>/leases.json`, the simulated `/var/db/dhcpd_leases`: `{ [mac]: { ip, expiresAt } }`.
 * Like macOS's bootpd, a MAC keeps its address, leases outlive the VM (so `tart ip` can answer
 * for a stopped VM, tart #172), and a /24 runs out after 253 addresses (.2–.254) until leases
 * expire: with the one-day lease, `--random-mac` on every VM exhausts it after ~253 VMs a day
 * (tart docs/faq.md), while reused MACs reuse their leases. The clock is the real one plus
 * `network.leaseClockOffsetSeconds` (leaseNow), so tests can let a day pass.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { withLock } from "../../faults.js";
import { TartFailure } from "../cli/errors.js";
import { swiftCase } from "../io/swift-describe.js";

export interface Lease {
  readonly ip: string;
  readonly expiresAt: string;
}

type Leases = Record<string, Lease>;

const FIRST_HOST = 2;
const LAST_HOST = 254;

/** The DHCP server's notion of now: the real clock plus the simulation's offset. */
export function leaseNow(offsetSeconds: number, realNow = Date.now()): Date {
  return new Date(realNow + offsetSeconds * 1000);
}

/** The malformed-file error of tart's lease parser (`LeasesError.Truncated`). */
export function leasesUnreadable(): TartFailure {
  return new TartFailure(swiftCase("Truncated", [["name", "truncated DHCPD leases file"]]));
}

/** Reads the leases; a missing file is no leases, a malformed one is tart's parse error. */
export function readLeases(simDir: string): Leases {
  let text: string;
  try {
    text = readFileSync(leasesFile(simDir), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as Leases;
  } catch {
    // falls through to tart's error
  }
  throw leasesUnreadable();
}

/** The address of the newest unexpired lease for `mac` (what tart's dhcp resolver answers). */
export function resolveLease(simDir: string, mac: string, now = new Date()): string | undefined {
  const lease = readLeases(simDir)[mac];
  return lease !== undefined && new Date(lease.expiresAt) > now ? lease.ip : undefined;
}

/**
 * Hands `mac` an address from `<prefix>.0.2` upward (its old one if it had one) and records the
 * lease; undefined when the range is exhausted (the VM then never gets an IP).
 */
export function assignLease(
  simDir: string,
  prefix: string,
  mac: string,
  leaseSeconds: number,
  now = new Date(),
): string | undefined {
  return withLock(simDir, () => {
    let leases: Leases;
    try {
      leases = readLeases(simDir);
    } catch {
      leases = {}; // bootpd rewrites a file it cannot parse
    }
    const taken = new Set(
      Object.entries(leases)
        .filter(([owner, lease]) => owner !== mac && new Date(lease.expiresAt) > now)
        .map(([, lease]) => lease.ip),
    );
    const previous = leases[mac]?.ip;
    const ip = previous !== undefined && !taken.has(previous) ? previous : firstFree(prefix, taken);
    if (ip === undefined) return undefined;
    leases[mac] = { ip, expiresAt: new Date(now.getTime() + leaseSeconds * 1000).toISOString() };
    const file = leasesFile(simDir);
    writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(leases, null, 2));
    renameSync(`${file}.${process.pid}.tmp`, file);
    return ip;
  });
}

function firstFree(prefix: string, taken: ReadonlySet<string>): string | undefined {
  for (let host = FIRST_HOST; host <= LAST_HOST; host++) {
    const ip = `${prefix}.0.${host}`;
    if (!taken.has(ip)) return ip;
  }
  return undefined;
}

function leasesFile(simDir: string): string {
  return path.join(simDir, "leases.json");
}
