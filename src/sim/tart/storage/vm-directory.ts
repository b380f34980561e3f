/**
 * A VM directory (`vms/<n>/` or an OCI cache entry), tart's `VMDirectory`: its files, whether it
 * is complete, its state (from the liveness of its `tart run`), access date and sizes.
 */
import { existsSync, readFileSync, statSync, utimesSync } from "node:fs";
import path from "node:path";
import { TartRuntimeError, vmDoesNotExist } from "../cli/errors.js";
import { liveRunRecord } from "../state/run-record.js";
import type { RunRecord } from "../state/run-record.js";
import { readVmConfig } from "./vm-config.js";
import type { VmConfig } from "./vm-config.js";

export type VmState = "running" | "suspended" | "stopped";

/** Simulated allocated size of `disk.img` (the sim writes sparse disks; see `allocatedBytes`). */
export const ALLOCATED_FILE = ".sim-allocated";

export class VmDirectory {
  readonly base: string;

  constructor(base: string) {
    this.base = base;
  }

  get name(): string {
    return path.basename(this.base);
  }
  get configPath(): string {
    return path.join(this.base, "config.json");
  }
  get diskPath(): string {
    return path.join(this.base, "disk.img");
  }
  get nvramPath(): string {
    return path.join(this.base, "nvram.bin");
  }
  get statePath(): string {
    return path.join(this.base, "state.vzvmsave");
  }
  get controlSocketPath(): string {
    return path.join(this.base, "control.sock");
  }

  /** All of config.json, disk.img and nvram.bin exist. */
  initialized(): boolean {
    return existsSync(this.configPath) && existsSync(this.diskPath) && existsSync(this.nvramPath);
  }

  validate(userFriendlyName: string): void {
    if (!existsSync(this.base)) throw vmDoesNotExist(userFriendlyName);
    if (!this.initialized()) {
      throw new TartRuntimeError("VM is missing some of its files (config.json, disk.img or nvram.bin)");
    }
  }

  /** What `tart run` in progress holds this VM, if any. */
  runRecord(): RunRecord | undefined {
    // Like tart's lock check: no config.json (e.g. racing a delete) reads as "not running".
    return existsSync(this.configPath) ? liveRunRecord(this.base) : undefined;
  }

  running(): boolean {
    return this.runRecord() !== undefined;
  }

  state(): VmState {
    if (this.running()) return "running";
    return existsSync(this.statePath) ? "suspended" : "stopped";
  }

  config(): VmConfig {
    return readVmConfig(this.configPath);
  }

  accessDate(): Date {
    return statSync(this.base).atime;
  }

  setAccessDate(date: Date = new Date()): void {
    utimesSync(this.base, date, statSync(this.base).mtime);
  }

  /** Apparent size of config, disk and NVRAM ("Disk" in list/get). */
  sizeBytes(): number {
    return [this.configPath, this.diskPath, this.nvramPath].reduce((sum, f) => sum + fileSize(f), 0);
  }

  /**
   * Allocated size ("Size"). Simulated disks are sparse, so a pulled image records the space its
   * real disk would occupy in `.sim-allocated`; without it the file system's own numbers count.
   */
  allocatedBytes(): number {
    const small = [this.configPath, this.nvramPath].reduce((sum, f) => sum + allocated(f), 0);
    return small + (recordedAllocation(this.base) ?? allocated(this.diskPath));
  }

  sizeGB(): number {
    return Math.floor(this.sizeBytes() / 1e9);
  }

  allocatedGB(): number {
    return Math.floor(this.allocatedBytes() / 1e9);
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function allocated(file: string): number {
  try {
    return statSync(file).blocks * 512;
  } catch {
    return 0;
  }
}

function recordedAllocation(base: string): number | undefined {
  try {
    const value = Number(readFileSync(path.join(base, ALLOCATED_FILE), "utf8").trim());
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
