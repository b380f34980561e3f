/** tart's global lock (flock on `$TART_HOME`): held by clone while copying and by run while it claims a VM. */
import { lockFile } from "./pid-lock.js";

export function globalLockFile(simDir: string): string {
  return lockFile(simDir, "tart-home");
}
