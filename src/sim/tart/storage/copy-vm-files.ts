/**
 * `VMDirectory.clone(to:)`: copies config, NVRAM and disk (and a suspended state, if any) — plus
 * the simulation's own parts of a VM: the guest's disk contents (`guest/`) and image metadata.
 * Run-time files (`.sim-run.json`, `control.sock`) are not copied: a clone is never running.
 */
import { cpSync, copyFileSync, existsSync } from "node:fs";
import path from "node:path";
import { ALLOCATED_FILE } from "./vm-directory.js";
import type { VmDirectory } from "./vm-directory.js";
import { IMAGE_INFO_FILE } from "./image-info.js";
import { sparseCopy } from "./sparse-copy.js";

export function copyVmFiles(source: VmDirectory, targetDir: string): void {
  copyFileSync(source.configPath, path.join(targetDir, "config.json"));
  copyFileSync(source.nvramPath, path.join(targetDir, "nvram.bin"));
  sparseCopy(source.diskPath, path.join(targetDir, "disk.img"));
  for (const optional of ["state.vzvmsave", ALLOCATED_FILE, IMAGE_INFO_FILE]) {
    const file = path.join(source.base, optional);
    if (existsSync(file)) copyFileSync(file, path.join(targetDir, optional));
  }
  const guest = path.join(source.base, "guest");
  if (existsSync(guest))
    cpSync(guest, path.join(targetDir, "guest"), { recursive: true, verbatimSymlinks: true });
}
