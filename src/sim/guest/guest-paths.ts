/**
 * Where a simulated guest keeps things. The guest's disk is `<vmDir>/guest`, laid out like the
 * parts of a macOS root the simulation needs: a guest absolute path `/x/y` is the host path
 * `<vmDir>/guest/x/y` (hostPath). Guest processes are host processes, so every path the guest
 * hands to the kernel (HOME, PATH, the files its shells read) is the mapped one; the power-off
 * marker sits beside the disk, outside it, because it models a hardware signal.
 */
import path from "node:path";

export interface GuestPaths {
  /** `<vmDir>/guest`: the guest's disk, i.e. the guest's `/`. */
  readonly root: string;
  /** `<root>/Users/<username>`: the login user's home. */
  readonly home: string;
  /** The guest's private temp dir (TMPDIR), so guest commands do not litter the host's /tmp. */
  readonly tmpDir: string;
  /** The SSH host key, generated on first boot and kept on the disk (clones share it). */
  readonly hostKey: string;
  /** Created by the power-off stand-ins; the guest's SSH server watches for it. */
  readonly powerOffMarker: string;
}

export const POWER_OFF_MARKER = ".sim-poweroff";

/** OpenSSH's compiled-in PATH for a non-root session (`_PATH_STDPATH`, session.c do_setup_env). */
export const SSHD_STD_PATH = "/usr/bin:/bin:/usr/sbin:/sbin";

/** The user's login shell on macOS images (`dscl . -read /Users/admin UserShell`). */
export const GUEST_SHELL = "/bin/zsh";

export function guestPaths(vmDir: string, username: string): GuestPaths {
  const root = path.join(vmDir, "guest");
  return {
    root,
    home: guestHome(root, username),
    tmpDir: hostPath(root, "/private/tmp"),
    hostKey: hostPath(root, "/etc/ssh_host_ed25519_key"),
    powerOffMarker: path.join(vmDir, POWER_OFF_MARKER),
  };
}

export function guestHome(guestRoot: string, username: string): string {
  return hostPath(guestRoot, `/Users/${username}`);
}

/** The host path of guest absolute path `guestPath` (e.g. `/opt/homebrew/bin` → `<root>/opt/homebrew/bin`). */
export function hostPath(guestRoot: string, guestPath: string): string {
  if (!guestPath.startsWith("/")) throw new Error(`not a guest absolute path: ${guestPath}`);
  return path.join(guestRoot, guestPath);
}

/** Maps every entry of a guest `PATH`-style list (`/usr/bin:/bin` → `<root>/usr/bin:<root>/bin`). */
export function hostPathList(guestRoot: string, list: string): string {
  return list
    .split(":")
    .map((entry) => hostPath(guestRoot, entry))
    .join(":");
}
