/**
 * `vms/<n>/.sim-run.json`: the simulated stand-in for the fcntl lock `tart run` holds on
 * `config.json`. A VM is running exactly while the process named here is alive, so a SIGKILLed
 * run reads as stopped with no clean-up, as with the real lock.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isAlive } from "./process-liveness.js";
import type { ProcessIdentity } from "./process-liveness.js";

export const RUN_RECORD_FILE = ".sim-run.json";

export type NetworkMode = "shared" | "bridged" | "softnet" | "host";

export interface RunRecord extends ProcessIdentity {
  readonly startedAt: string;
  readonly network: NetworkMode;
  /** The VM holds one of the host's VM slots (it passed the 2-VM limit check). */
  readonly admitted?: boolean;
  /** The guest's address once booted (what ARP and the guest agent would report). */
  readonly ip?: string;
  /** The guest agent answers on `control.sock`. */
  readonly agent?: boolean;
}

export function readRunRecord(vmDir: string): RunRecord | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path.join(vmDir, RUN_RECORD_FILE), "utf8")) as RunRecord;
    return typeof parsed.pid === "number" ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The record of a live `tart run` of this VM, or undefined when the VM is not running. */
export function liveRunRecord(vmDir: string): RunRecord | undefined {
  const record = readRunRecord(vmDir);
  return record !== undefined && isAlive(record) ? record : undefined;
}

export function writeRunRecord(vmDir: string, record: RunRecord): void {
  const file = path.join(vmDir, RUN_RECORD_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(record));
  renameSync(tmp, file);
}
