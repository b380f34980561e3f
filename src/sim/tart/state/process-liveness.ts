/**
 * Whether a process is alive, standing in for the kernel releasing fcntl/flock locks when their
 * owner dies. A zombie counts as dead (its locks are gone), and on Linux the process start time
 * recorded with the PID guards against PID reuse.
 */
import { readFileSync } from "node:fs";

export interface ProcessIdentity {
  readonly pid: number;
  /** Start time in clock ticks since boot (`/proc/<pid>/stat` field 22), when known. */
  readonly procStart?: number | undefined;
}

export function currentProcess(): ProcessIdentity {
  return { pid: process.pid, procStart: procStat(process.pid)?.start };
}

export function isAlive(identity: ProcessIdentity): boolean {
  try {
    process.kill(identity.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const stat = procStat(identity.pid);
  if (stat === undefined) return true;
  if (stat.state === "Z" || stat.state === "X") return false;
  return identity.procStart === undefined || identity.procStart === stat.start;
}

function procStat(pid: number): { state: string; start: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses; fields resume after the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const start = Number(fields[19]);
  return { state: fields[0] ?? "", start };
}
