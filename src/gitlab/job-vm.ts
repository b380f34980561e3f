/** Where prepare records the job's VM name, so run and cleanup find it (cleanup also lists tart). */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export function recordJobVm(jobDir: string, vm: string): void {
  mkdirSync(jobDir, { recursive: true });
  writeFileSync(path.join(jobDir, "vm"), vm);
}

export function readJobVm(jobDir: string): string | undefined {
  try {
    const vm = readFileSync(path.join(jobDir, "vm"), "utf8").trim();
    return vm === "" ? undefined : vm;
  } catch {
    return undefined;
  }
}
