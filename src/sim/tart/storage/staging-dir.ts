/**
 * Staging directories in `$TART_HOME/tmp/` (clone/create: `<UUID>`, pull: `<md5(name)>`). Real
 * tart flocks them so that housekeeping skips them; here the lock is a pid-lock under
 * `<simDir>/locks/`, which dies with its owner just like flock.
 */
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { isLocked, lockFile, tryLock, unlock } from "../state/pid-lock.js";
import type { TartHome } from "./tart-home.js";

export interface Staging {
  readonly dir: string;
  /** Drops the lock (after the directory was moved away or removed). */
  release(): void;
}

export function createStaging(
  home: TartHome,
  simDir: string,
  id: string = randomUUID().toUpperCase(),
): Staging {
  const dir = path.join(home.tmp, id);
  const lock = lockFile(simDir, `tmp-${id}`);
  tryLock(lock, simDir);
  mkdirSync(dir, { recursive: true });
  return { dir, release: () => unlock(lock) };
}

/**
 * tart's `Config.gc()`, run before every command except pull and clone: deletes every entry of
 * `tmp/` that nobody holds locked (leftovers of killed clones and pulls).
 */
export function collectGarbage(home: TartHome, simDir: string): void {
  for (const entry of readdirSync(home.tmp)) {
    const lock = lockFile(simDir, `tmp-${entry}`);
    if (isLocked(lock)) continue;
    rmSync(path.join(home.tmp, entry), { recursive: true, force: true });
    rmSync(lock, { force: true });
  }
}
