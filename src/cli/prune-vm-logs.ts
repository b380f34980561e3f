/** Keeps the newest `keep` per-VM log files and removes older ones. */
import { readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";

export function pruneVmLogs(dir: string, keep: number): void {
  let files: Array<{ file: string; mtime: number }>;
  try {
    files = readdirSync(dir)
      .filter((name) => name.endsWith(".log"))
      .map((name) => ({ file: path.join(dir, name), mtime: statSync(path.join(dir, name)).mtimeMs }));
  } catch {
    return;
  }
  files.sort((a, b) => b.mtime - a.mtime);
  for (const { file } of files.slice(keep)) rmSync(file, { force: true });
}
