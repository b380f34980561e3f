/**
 * Fault firing for the simulation, shared by the simulated `tart` and the simulated guests.
 * A fault fires when it is configured, its `match` (if any) is a substring of the subject, and it
 * has fired fewer than `times` times. Counters live in `<simDir>/faults-used.json`, updated under
 * a lock directory so concurrent `tart` processes count correctly.
 */
import { mkdirSync, readFileSync, rmdirSync, statSync, writeFileSync, renameSync } from "node:fs";
import path from "node:path";
import type { SimConfig, SimFaultName } from "./sim-config.js";

/** What every fault spec has: an optional subject filter and an optional firing budget. */
type FaultSpec = { readonly match?: string | undefined; readonly times?: number | undefined };

/** Returns the fault's settings if it fires now for `subject`, recording the firing; else undefined. */
export function fireFault<N extends SimFaultName>(
  simDir: string,
  config: SimConfig,
  name: N,
  subject: string,
): NonNullable<SimConfig["faults"][N]> | undefined {
  return fireFaultSpec(
    simDir,
    name,
    config.faults[name] as NonNullable<SimConfig["faults"][N]> | undefined,
    subject,
  );
}

/**
 * The firing rule for any fault spec (the shared `SimConfig` faults and the simulated tart's extra
 * ones): counted per `name` in `<simDir>/faults-used.json`.
 */
export function fireFaultSpec<F extends FaultSpec>(
  simDir: string,
  name: string,
  fault: F | undefined,
  subject: string,
): F | undefined {
  if (fault === undefined) return undefined;
  if (fault.match !== undefined && !subject.includes(fault.match)) return undefined;
  const limit = fault.times;
  if (limit === undefined) return fault;
  const fired = withLock(simDir, () => {
    const file = path.join(simDir, "faults-used.json");
    let used: Record<string, number> = {};
    try {
      used = JSON.parse(readFileSync(file, "utf8")) as Record<string, number>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const count = used[name] ?? 0;
    if (count >= limit) return false;
    used[name] = count + 1;
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(used));
    renameSync(tmp, file);
    return true;
  });
  return fired ? fault : undefined;
}

/** Runs `fn` while holding `<simDir>/.lock` (a directory; stale after 5 s). Bounded wait: 10 s. */
export function withLock<T>(simDir: string, fn: () => T): T {
  mkdirSync(simDir, { recursive: true });
  const lock = path.join(simDir, ".lock");
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 5_000) rmdirSync(lock);
      } catch {
        // removed by its owner meanwhile
      }
      if (Date.now() > deadline)
        throw new Error(`simulation lock ${lock} held for over 10 s`, { cause: error });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
  try {
    return fn();
  } finally {
    rmdirSync(lock);
  }
}
