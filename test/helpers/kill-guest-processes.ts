import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * SIGKILLs every process a simulated guest of this TART_HOME started (their environment names the
 * VM's directory), rescanning until none is left (bounded). Linux /proc only; elsewhere a no-op.
 */
export async function killGuestProcesses(tartHome: string): Promise<number> {
  if (!existsSync("/proc")) return 0;
  const needle = Buffer.from(`TART_SIM_VM_DIR=${path.join(tartHome, "vms")}/`);
  let killed = 0;
  for (let round = 0; round < 20; round += 1) {
    const pids = readdirSync("/proc")
      .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
      .filter((name) => {
        try {
          return readFileSync(`/proc/${name}/environ`).includes(needle);
        } catch {
          return false;
        }
      })
      .map(Number);
    if (pids.length === 0) return killed;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
        killed += 1;
      } catch {
        // gone meanwhile
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return killed;
}
