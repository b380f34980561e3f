/**
 * Finds and kills every process a guest started. Children of guest sessions inherit the marker
 * variable, so scanning `/proc/<pid>/environ` finds them even after `nohup … &` or `setsid`
 * moved them out of the session's process group, which is exactly what power loss must catch.
 */
import { readdirSync, readFileSync } from "node:fs";

/** PIDs whose initial environment contains exactly `entry` (e.g. `TART_SIM_GUEST=vm:123`). */
export function findProcessesWithEnv(entry: string): number[] {
  const needle = Buffer.from(`${entry}\0`);
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${name}/environ`);
    } catch {
      continue; // gone meanwhile, or another user's process
    }
    // Match whole entries only: at the start, or right after the previous entry's NUL.
    if (
      environ.subarray(0, needle.length).equals(needle) ||
      environ.includes(Buffer.concat([Buffer.from("\0"), needle]))
    ) {
      pids.push(pid);
    }
  }
  return pids;
}

/**
 * SIGKILLs every process carrying `entry`, rescanning until none is left, because a process may
 * fork between a scan and its kill. Bounded: gives up after `rounds` scans.
 */
export async function killProcessesWithEnv(entry: string, rounds = 20): Promise<number> {
  const killed = new Set<number>();
  for (let round = 0; round < rounds; round += 1) {
    const pids = findProcessesWithEnv(entry);
    if (pids.length === 0) return killed.size;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
        killed.add(pid);
      } catch {
        // already gone
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return killed.size;
}
