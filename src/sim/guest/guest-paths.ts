/**
 * Where a simulated guest keeps things. The guest's disk is `<vmDir>/guest`, laid out like the
 * parts of a macOS root the simulation needs; the power-off marker sits beside it, outside the
 * guest's disk, because it models a hardware signal rather than a file the guest owns.
 */
import path from "node:path";

export interface GuestPaths {
  /** `<vmDir>/guest`: the guest's disk. */
  readonly root: string;
  /** `<root>/Users/<username>`: the login user's home. */
  readonly home: string;
  /** Stand-ins for `sudo`, `shutdown`, `halt`, `poweroff`; first in every session's PATH. */
  readonly binDir: string;
  /** The guest's private temp dir (TMPDIR), so guest commands do not litter the host's /tmp. */
  readonly tmpDir: string;
  /** The SSH host key, generated on first boot and kept on the disk (clones share it). */
  readonly hostKey: string;
  /** Created by the power-off stand-ins; the guest's SSH server watches for it. */
  readonly powerOffMarker: string;
}

export const POWER_OFF_MARKER = ".sim-poweroff";

export function guestPaths(vmDir: string, username: string): GuestPaths {
  const root = path.join(vmDir, "guest");
  return {
    root,
    home: guestHome(root, username),
    binDir: guestBinDir(root),
    tmpDir: path.join(root, "private", "tmp"),
    hostKey: path.join(root, "etc", "ssh_host_ed25519_key"),
    powerOffMarker: path.join(vmDir, POWER_OFF_MARKER),
  };
}

export function guestHome(guestRoot: string, username: string): string {
  return path.join(guestRoot, "Users", username);
}

export function guestBinDir(guestRoot: string): string {
  return path.join(guestRoot, "usr", "local", "sim-bin");
}
