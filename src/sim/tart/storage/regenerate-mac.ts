/** `VMDirectory.regenerateMACAddress()`: a fresh random MAC; a suspended state no longer fits, so it goes. */
import { rmSync } from "node:fs";
import { randomLocalMac } from "./mac-address.js";
import { readVmConfig, writeVmConfig } from "./vm-config.js";
import { VmDirectory } from "./vm-directory.js";

export function regenerateMac(dir: string): void {
  const vm = new VmDirectory(dir);
  const config = readVmConfig(vm.configPath);
  writeVmConfig(vm.configPath, { ...config, macAddress: randomLocalMac() });
  rmSync(vm.statePath, { force: true });
}
