/**
 * `dhcp lease`: with Tart's shared (NAT) network, macOS's bootpd leases VM addresses for a day by
 * default; the executor burns one address per job, so a busy Mac runs out (tart-cli.md §5.4).
 */
import { pass, warn, type DoctorCheck } from "./doctor-check.js";
import type { RunCommand } from "./doctor-deps.js";
import { DHCP_LEASE_FIX, notOnMacos } from "./macos-fixes.js";

const PLIST = "/Library/Preferences/SystemConfiguration/com.apple.InternetSharing.default.plist";
/** An hour still recycles more than 250 addresses a day's worth of short jobs need. */
const LONGEST_GOOD_LEASE_SECONDS = 3600;

export async function dhcpLeaseCheck(
  platform: NodeJS.Platform,
  runCommand: RunCommand,
  netBridged: string | null,
): Promise<DoctorCheck> {
  if (netBridged !== null)
    return pass("dhcp lease", `bridged to ${netBridged}: VMs get addresses from your network's DHCP server`);
  if (platform !== "darwin") return warn("dhcp lease", notOnMacos(platform), DHCP_LEASE_FIX);
  const result = await runCommand("defaults", ["read", PLIST, "bootpd"], { timeoutMs: 5_000 });
  const seconds = /DHCPLeaseTimeSecs\s*=\s*"?(\d+)/.exec(result.stdout)?.[1];
  if (result.exitCode !== 0 || seconds === undefined)
    return warn("dhcp lease", "VM leases last 86400 s (the macOS default)", DHCP_LEASE_FIX);
  if (Number(seconds) > LONGEST_GOOD_LEASE_SECONDS)
    return warn("dhcp lease", `VM leases last ${seconds} s`, DHCP_LEASE_FIX);
  return pass("dhcp lease", `VM leases last ${seconds} s`);
}
