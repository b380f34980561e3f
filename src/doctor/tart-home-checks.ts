/**
 * `tart home` and `disk space`: tart keeps images and VMs under TART_HOME; it creates missing
 * folders itself, so a missing one is fine as long as its nearest existing parent is writable.
 */
import { constants } from "node:fs";
import path from "node:path";
import { fail, pass, warn, type DoctorCheck } from "./doctor-check.js";
import type { DoctorFs } from "./doctor-deps.js";

/** tart counts GB as 10^9 bytes; so do we. */
const GB = 1e9;
/**
 * A macOS image is about 25 GB compressed and expands to tens of GB (tart-cli.md §2 pull); a pull
 * also reserves the disk size up front. Below 25 GB not even one more image fits; below 75 GB the
 * next image (or VMs that write a lot) will run the disk full.
 */
const FAIL_BELOW_GB = 25;
const WARN_BELOW_GB = 75;

export async function tartHomeChecks(home: string, source: string, fs: DoctorFs): Promise<DoctorCheck[]> {
  const existing = await nearestExisting(home, fs);
  const checks: DoctorCheck[] = [await writable(home, source, existing, fs)];
  if (existing !== null) checks.push(diskSpace(existing.path, fs));
  return checks;
}

async function nearestExisting(
  dir: string,
  fs: DoctorFs,
): Promise<{ path: string; isDirectory: boolean } | null> {
  for (let current = dir; ; current = path.dirname(current)) {
    try {
      const stats = await fs.stat(current);
      return { path: current, isDirectory: stats.isDirectory() };
    } catch {
      if (path.dirname(current) === current) return null;
    }
  }
}

async function writable(
  home: string,
  source: string,
  existing: { path: string; isDirectory: boolean } | null,
  fs: DoctorFs,
): Promise<DoctorCheck> {
  const hint = `make it writable for this user (\`sudo chown -R $(whoami) ${home}\`) or set tart.homeFolder to another folder`;
  if (existing === null || !existing.isDirectory)
    return fail(
      "tart home",
      `${home} (${source}) cannot be created: ${existing?.path ?? "/"} is not a folder`,
      hint,
    );
  try {
    await fs.access(existing.path, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "not writable";
    return fail("tart home", `${existing.path} is not writable by this user (${code})`, hint);
  }
  return existing.path === home
    ? pass("tart home", `${home} (${source}) is writable`)
    : pass("tart home", `${home} (${source}) does not exist yet; tart will create it in ${existing.path}`);
}

function diskSpace(dir: string, fs: DoctorFs): DoctorCheck {
  const stats = fs.statfs(dir);
  const freeGb = (Number(stats.bavail) * Number(stats.bsize)) / GB;
  const detail = `${freeGb.toFixed(1)} GB free for ${dir}`;
  const hint = `free space with \`tart prune --space-budget <GB>\` or delete unused images (\`tart list\`, \`tart delete\`)`;
  if (freeGb < FAIL_BELOW_GB)
    return fail("disk space", `${detail}; at least ${FAIL_BELOW_GB} GB are needed for one image`, hint);
  if (freeGb < WARN_BELOW_GB)
    return warn(
      "disk space",
      `${detail}; below ${WARN_BELOW_GB} GB the next image pull may fill the disk`,
      hint,
    );
  return pass("disk space", detail);
}
