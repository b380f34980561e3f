/**
 * The part of `tart run` done under the global lock: regenerate the MAC if a running VM shares
 * it, build the VZ configuration (network and device checks), then take the VM's lock — here the
 * run record — so the VM reads as running before it has booted.
 */
import { statSync } from "node:fs";
import { TartRuntimeError } from "../cli/errors.js";
import type { TartContext } from "../context.js";
import { globalLockFile } from "../state/global-lock.js";
import { lock, unlock } from "../state/pid-lock.js";
import { currentProcess } from "../state/process-liveness.js";
import { writeRunRecord } from "../state/run-record.js";
import type { NetworkMode, RunRecord } from "../state/run-record.js";
import { listLocal, openLocal, safeMac } from "../storage/local-storage.js";
import { regenerateMac } from "../storage/regenerate-mac.js";
import type { VmConfig } from "../storage/vm-config.js";
import type { VmDirectory } from "../storage/vm-directory.js";
import { checkDevices } from "./run-devices.js";
import type { RunOptions } from "./run-options.js";

export interface ClaimedVm {
  readonly vm: VmDirectory;
  readonly config: VmConfig;
  readonly network: NetworkMode;
  readonly record: RunRecord;
  /** Identity of the directory, to notice it being replaced (clone onto a running name). */
  readonly dirIno: number;
}

export async function claimVm(ctx: TartContext, options: RunOptions): Promise<ClaimedVm> {
  const home = ctx.home();
  const vm = openLocal(home, options.name);
  const globalLock = globalLockFile(ctx.simDir);
  await lock(globalLock, ctx.simDir, ctx.cancel);
  try {
    let config = vm.config();
    const collision = listLocal(home).some(
      (other) => other.name !== vm.name && other.running() && safeMac(other) === config.macAddress,
    );
    if (collision) {
      ctx.out.line("There is already a running VM with the same MAC address!");
      ctx.out.line("Resetting VM to assign a new MAC address...");
      regenerateMac(vm.base);
      config = vm.config();
    }
    const network = checkDevices(options, config, ctx.env);
    if (vm.running()) throw new TartRuntimeError(`VM "${options.name}" is already running!`, 2);
    const record: RunRecord = { ...currentProcess(), startedAt: new Date().toISOString(), network };
    writeRunRecord(vm.base, record);
    return { vm, config, network, record, dirIno: statSync(vm.base).ino };
  } finally {
    unlock(globalLock);
  }
}
