/** `vms/`: tart's `VMStorageLocal` (list, open, move-into-place, rename). */
import { mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { TartHome } from "./tart-home.js";
import { VmDirectory } from "./vm-directory.js";

export function localVm(home: TartHome, name: string): VmDirectory {
  return new VmDirectory(path.join(home.vms, name));
}

export function localExists(home: TartHome, name: string): boolean {
  return localVm(home, name).initialized();
}

/** Opens a local VM for use: validates it and marks it accessed. */
export function openLocal(home: TartHome, name: string): VmDirectory {
  const vm = localVm(home, name);
  vm.validate(name);
  vm.setAccessDate();
  return vm;
}

/** Complete local VMs sorted by name (incomplete directories are skipped silently). */
export function listLocal(home: TartHome): VmDirectory[] {
  let names: string[];
  try {
    names = readdirSync(home.vms);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return names
    .sort()
    .map((n) => localVm(home, n))
    .filter((vm) => vm.initialized());
}

/** Whether any local VM uses this MAC address. */
export function localMacInUse(home: TartHome, mac: string): boolean {
  return listLocal(home).some((vm) => safeMac(vm) === mac);
}

export function safeMac(vm: VmDirectory): string | undefined {
  try {
    return vm.config().macAddress;
  } catch {
    return undefined;
  }
}

/**
 * Moves a finished staging directory to `vms/<name>`, silently replacing what is there
 * (`FileManager.replaceItemAt`): the old directory is swapped out, then deleted.
 */
export function moveIntoPlace(home: TartHome, name: string, staging: string): void {
  mkdirSync(home.vms, { recursive: true });
  replaceDirectory(path.join(home.vms, name), staging, home.tmp);
}

export function replaceDirectory(target: string, source: string, tmp: string): void {
  const displaced = path.join(tmp, `${randomUUID()}.replaced`);
  let hadTarget = true;
  try {
    renameSync(target, displaced);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    hadTarget = false;
  }
  renameSync(source, target);
  if (hadTarget) rmSync(displaced, { recursive: true, force: true });
}
