/**
 * The environment of a command run over SSH in a simulated guest, as OpenSSH's sshd builds it
 * (session.c, do_setup_env) for a non-root user without UseLogin: USER, LOGNAME, HOME, MAIL,
 * PATH = `_PATH_STDPATH` (`/usr/bin:/bin:/usr/sbin:/sbin`), SHELL, SSH_CLIENT, SSH_CONNECTION,
 * TERM and SSH_TTY only with a pty, and the client's `env` requests that AcceptEnv allows (macOS:
 * `LANG LC_*`). Nothing else: no LANG of its own, no Homebrew. Guest absolute paths are mapped to
 * the guest's disk (guest-paths.ts). TMPDIR is macOS's per-user temp dir [unverified: set by
 * Apple's sshd patches]. The simulation adds its markers, which let the VM find and kill everything
 * its guest started and let the runner stand-in notice power loss, and TART_SIM_ROOT, the guest's
 * `/` on the host, which the guest's own files use to name guest absolute paths.
 */
import type { GuestPaths } from "./guest-paths.js";
import { GUEST_SHELL, hostPathList, SSHD_STD_PATH } from "./guest-paths.js";
export interface GuestIdentity {
  readonly vmName: string;
  readonly vmDir: string;
  readonly username: string;
  readonly paths: GuestPaths;
}

export interface SshEndpoints {
  readonly clientIp: string;
  readonly clientPort: number;
  readonly serverIp: string;
  readonly serverPort: number;
}

const MARKER_VAR = "TART_SIM_GUEST";

/** `<vmName>:<pid of the tart run process>`: unique to one boot of one VM. */
function markerValue(vmName: string): string {
  return `${vmName}:${process.pid}`;
}

/** The environment entry every process of this boot of the guest carries, e.g. `TART_SIM_GUEST=vm1:4242`. */
export function guestMarker(vmName: string): string {
  return `${MARKER_VAR}=${markerValue(vmName)}`;
}

export interface SessionRequestEnv {
  /** The client's `env` requests that AcceptEnv allowed. */
  readonly accepted: Readonly<Record<string, string>>;
  /** The terminal type of a `pty-req`, when the session has one. */
  readonly term?: string | undefined;
}

export function guestSessionEnv(
  guest: GuestIdentity,
  ssh: SshEndpoints,
  request: SessionRequestEnv,
): Record<string, string> {
  return {
    ...request.accepted,
    USER: guest.username,
    LOGNAME: guest.username,
    HOME: guest.paths.home,
    MAIL: `/var/mail/${guest.username}`,
    PATH: hostPathList(guest.paths.root, SSHD_STD_PATH),
    SHELL: GUEST_SHELL,
    ...(request.term === undefined ? {} : { TERM: request.term }),
    SSH_CLIENT: `${ssh.clientIp} ${ssh.clientPort} ${ssh.serverPort}`,
    SSH_CONNECTION: `${ssh.clientIp} ${ssh.clientPort} ${ssh.serverIp} ${ssh.serverPort}`,
    TMPDIR: `${guest.paths.tmpDir}/`,
    ...guestMarkers(guest),
  };
}

/** The simulation's variables every guest process carries (sessions, the agent's commands). */
export function guestMarkers(
  guest: Pick<GuestIdentity, "vmName" | "vmDir" | "paths">,
): Record<string, string> {
  return {
    [MARKER_VAR]: markerValue(guest.vmName),
    TART_SIM_VM_PID: String(process.pid),
    TART_SIM_VM_NAME: guest.vmName,
    TART_SIM_VM_DIR: guest.vmDir,
    TART_SIM_ROOT: guest.paths.root,
  };
}

/** Whether a client `env` request may set `key` (sshd's default AcceptEnv on macOS). */
export function isAcceptedClientEnv(key: string): boolean {
  return key === "LANG" || key.startsWith("LC_");
}
