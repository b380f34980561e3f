/**
 * An exclusive lock that, like flock(2), dies with its owner: a file holding the owner's identity,
 * created with O_EXCL. A lock whose owner is dead is broken by the next taker. Lock files live under
 * `<simDir>/locks/`, so TART_HOME keeps tart's own layout.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import path from "node:path";
import { withLock } from "../../faults.js";
import { sleep } from "../io/sleep.js";
import { currentProcess, isAlive } from "./process-liveness.js";
import type { ProcessIdentity } from "./process-liveness.js";

const held = new Set<string>();
const POLL_MS = 25;
const UNREADABLE_GRACE_MS = 2_000;

// Locks vanish with the process on every exit path we get to see (SIGKILL is covered by liveness).
process.on("exit", () => {
  for (const file of held) rmSync(file, { force: true });
});

export function lockFile(simDir: string, name: string): string {
  return path.join(simDir, "locks", `${name.replace(/[^A-Za-z0-9._-]/g, "_")}.lock`);
}

export function tryLock(file: string, simDir: string): boolean {
  if (held.has(file)) return true;
  mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, JSON.stringify(currentProcess()));
      closeSync(fd);
      held.add(file);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (!breakIfStale(file, simDir)) return false;
  }
  return false;
}

/** Blocks until the lock is ours; rejects when `signal` aborts. */
export async function lock(file: string, simDir: string, signal: AbortSignal): Promise<void> {
  while (!tryLock(file, simDir)) await sleep(POLL_MS, signal);
}

export function unlock(file: string): void {
  if (!held.delete(file)) return;
  rmSync(file, { force: true });
}

/** Whether a live process (this one included) holds the lock file. */
export function isLocked(file: string): boolean {
  const owner = readOwner(file);
  return owner !== undefined && isAlive(owner);
}

function breakIfStale(file: string, simDir: string): boolean {
  return withLock(simDir, () => {
    const owner = readOwner(file);
    if (owner !== undefined && isAlive(owner)) return false;
    // An unreadable file may be a lock being written this instant; only an old one is debris.
    if (owner === undefined && ageMs(file) < UNREADABLE_GRACE_MS) return false;
    rmSync(file, { force: true });
    return true;
  });
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function readOwner(file: string): ProcessIdentity | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<ProcessIdentity>;
    return typeof parsed.pid === "number" ? { pid: parsed.pid, procStart: parsed.procStart } : undefined;
  } catch {
    return undefined;
  }
}
