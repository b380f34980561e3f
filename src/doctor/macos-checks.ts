/**
 * The macOS traps that cannot be verified from a program (the Local Network grant, the login
 * keychain) and the licence note. They WARN with the fix where they matter, so an operator reads
 * the fix before the first job fails instead of after.
 */
import { pass, warn, type DoctorCheck } from "./doctor-check.js";
import type { RunCommand } from "./doctor-deps.js";
import { KEYCHAIN_FIX, LICENCE_NOTE, LOCAL_NETWORK_FIX, notOnMacos } from "./macos-fixes.js";

/** The macOS major version (15 for 15.3.1), or null when not on macOS or unknown. */
export async function macosMajorVersion(
  platform: NodeJS.Platform,
  runCommand: RunCommand,
): Promise<number | null> {
  if (platform !== "darwin") return null;
  const result = await runCommand("sw_vers", ["-productVersion"], { timeoutMs: 5_000 });
  const major = /^(\d+)/.exec(result.stdout.trim())?.[1];
  return result.exitCode === 0 && major !== undefined ? Number(major) : null;
}

/** Both traps arrived with macOS 15 (Sequoia); before it there is nothing to do. */
function sinceSequoia(
  name: string,
  platform: NodeJS.Platform,
  major: number | null,
  fix: string,
): DoctorCheck {
  if (platform !== "darwin") return warn(name, notOnMacos(platform), fix);
  if (major !== null && major < 15)
    return pass(name, `macOS ${major} has no such requirement (it came with macOS 15)`);
  const version = major === null ? "this macOS version" : `macOS ${major}`;
  return warn(name, `cannot be checked automatically on ${version}`, fix);
}

export function localNetworkCheck(platform: NodeJS.Platform, major: number | null): DoctorCheck {
  return sinceSequoia("local network", platform, major, LOCAL_NETWORK_FIX);
}

export function keychainCheck(platform: NodeJS.Platform, major: number | null): DoctorCheck {
  return sinceSequoia("login keychain", platform, major, KEYCHAIN_FIX);
}

export function licenceCheck(platform: NodeJS.Platform, cpuCount: number): DoctorCheck {
  if (platform !== "darwin") return warn("tart licence", notOnMacos(platform), LICENCE_NOTE);
  const detail = `this Mac has ${cpuCount} CPU cores; the free tier covers 100 across all your Macs`;
  return cpuCount > 100 ? warn("tart licence", detail, LICENCE_NOTE) : pass("tart licence", detail);
}
