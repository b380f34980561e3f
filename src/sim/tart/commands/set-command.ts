/**
 * `tart set <name>`: rewrites config.json (silently; there is no running check, the change applies
 * at the next run), then replaces or grows the disk. Omitting both `--display-refit` flags clears
 * the stored value, as in tart.
 */
import { renameSync, statSync, truncateSync } from "node:fs";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { STRING, UINT, UINT16 } from "../cli/command-spec.js";
import type { TartCommand } from "../cli/command-spec.js";
import { TartFailure, TartRuntimeError } from "../cli/errors.js";
import { byteCount } from "../io/byte-count.js";
import { openLocal } from "../storage/local-storage.js";
import { randomLocalMac } from "../storage/mac-address.js";
import { sparseCopy } from "../storage/sparse-copy.js";
import { writeVmConfig } from "../storage/vm-config.js";
import type { VmConfig } from "../storage/vm-config.js";
import type { VmDirectory } from "../storage/vm-directory.js";
import { randomEcid } from "../storage/machine-identifier.js";
import { parseDisplay, withCpu, withMemory } from "./vm-settings.js";

export const setCommand: TartCommand = {
  spec: {
    name: "set",
    abstract: "Modify VM's configuration",
    args: [
      { type: "positional", name: "name", help: "VM name" },
      { type: "option", long: "cpu", valueName: "cpu", help: "Number of VM CPUs", value: UINT16 },
      {
        type: "option",
        long: "memory",
        valueName: "memory",
        help: "VM memory size in megabytes",
        value: UINT,
      },
      {
        type: "option",
        long: "display",
        valueName: "display",
        help: "VM display resolution in a format of WIDTHxHEIGHT[pt|px]. For example, 1200x800, 1200x800pt or 1920x1080px.",
        value: STRING,
      },
      {
        type: "flag",
        long: "display-refit",
        help: "Whether to automatically reconfigure the VM's display to fit the window",
        inversion: true,
      },
      { type: "flag", long: "random-mac", help: "Generate a new random MAC address for the VM." },
      { type: "flag", long: "random-serial", help: "Generate a new random serial number for the macOS VM." },
      {
        type: "option",
        long: "disk",
        valueName: "path",
        help: "Replace the VM's disk contents with the disk contents at path.",
        value: STRING,
      },
      {
        type: "option",
        long: "disk-size",
        valueName: "disk-size",
        help: "Resize the VMs disk to the specified size in GB (note that the disk size can only be increased to avoid losing data)",
        value: UINT16,
      },
    ],
  },
  run: async (args, ctx) => {
    const vm = openLocal(ctx.home(), args.positional("name"));
    let config: VmConfig = vm.config();
    const cpu = args.number("cpu");
    if (cpu !== undefined) config = withCpu(config, cpu);
    const memory = args.number("memory");
    if (memory !== undefined) config = withMemory(config, memory * 1024 * 1024);
    const display = args.option("display");
    if (display !== undefined) config = { ...config, display: parseDisplay(display, config.display) };
    const { displayRefit: _cleared, ...rest } = config;
    const refit = args.tristate("display-refit");
    config = refit === undefined ? rest : { ...rest, displayRefit: refit };
    if (args.flag("random-mac")) config = { ...config, macAddress: randomLocalMac() };
    if (args.flag("random-serial") && config.os === "darwin") config = { ...config, ecid: randomEcid() };
    writeVmConfig(vm.configPath, config);
    const disk = args.option("disk");
    if (disk !== undefined) replaceDisk(vm, disk, ctx.home().tmp);
    const diskSize = args.number("disk-size");
    if (diskSize !== undefined) growDisk(vm, diskSize);
  },
};

function replaceDisk(vm: VmDirectory, source: string, tmp: string): void {
  const staged = path.join(tmp, `set-disk-${randomUUID().toUpperCase()}`);
  try {
    sparseCopy(source, staged);
  } catch {
    throw new TartFailure(
      `The file “${path.basename(source)}” couldn’t be opened because there is no such file.`,
    );
  }
  renameSync(staged, vm.diskPath);
}

/** Raw disks only grow: a smaller size is refused with tart's ByteCountFormatter wording. */
function growDisk(vm: VmDirectory, sizeGB: number): void {
  const desired = sizeGB * 1e9;
  let current = 0;
  try {
    current = statSync(vm.diskPath).size;
  } catch {
    // a missing disk is created at the requested size
  }
  if (desired < current) {
    throw new TartRuntimeError(
      `new disk size of ${byteCount(desired)} should be larger than the current disk size of ${byteCount(current)}`,
    );
  }
  if (desired > current) truncateSync(vm.diskPath, desired);
}
