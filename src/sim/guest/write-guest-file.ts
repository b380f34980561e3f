/** Writing files and links onto a guest disk: idempotent and atomic, so a reader never sees half a file. */
import {
  chmodSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";

/** Writes `content` with `mode` (default 0755) unless the file already holds it. */
export function writeExecutable(file: string, content: string, mode = 0o755): void {
  mkdirSync(path.dirname(file), { recursive: true });
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

/** A plain (0644) file. */
export function writeGuestFile(file: string, content: string): void {
  writeExecutable(file, content, 0o644);
}

/** Makes `link` a symlink to `target` unless it already is one. */
export function linkGuestFile(link: string, target: string): void {
  mkdirSync(path.dirname(link), { recursive: true });
  try {
    if (readlinkSync(link) === target) return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "EINVAL") throw error;
  }
  const tmp = `${link}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  renameSync(tmp, link);
}
