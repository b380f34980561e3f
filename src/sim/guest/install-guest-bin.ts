/** Puts the guest's system-command stand-ins on its disk (idempotent; run at seed and at boot). */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { GUEST_BIN_SCRIPTS } from "./guest-bin-scripts.js";
import { guestBinDir } from "./guest-paths.js";

export function installGuestBin(guestRoot: string): string {
  const binDir = guestBinDir(guestRoot);
  mkdirSync(binDir, { recursive: true });
  for (const [name, content] of Object.entries(GUEST_BIN_SCRIPTS)) {
    writeExecutable(path.join(binDir, name), content);
  }
  return binDir;
}

/** Writes `content` with mode 0755 unless the file already holds it; atomic, so a reader never sees half a script. */
export function writeExecutable(file: string, content: string, mode = 0o755): void {
  try {
    if (readFileSync(file, "utf8") === content) {
      chmodSync(file, mode);
      return;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}
