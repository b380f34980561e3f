/**
 * The environment of a command run over SSH in a simulated guest: a clean login environment (as
 * sshd builds it, nothing from the host leaks in) plus the simulation's markers, which let the
 * VM find and kill everything its guest started, and let the runner stand-in notice power loss.
 */
import path from "node:path";
import type { GuestPaths } from "./guest-paths.js";

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

export function guestSessionEnv(
  guest: GuestIdentity,
  ssh: SshEndpoints,
  clientEnv: Readonly<Record<string, string>>,
): Record<string, string> {
  return {
    // sshd on macOS accepts LANG and LC_* from the client (AcceptEnv LANG LC_*).
    LANG: "en_US.UTF-8",
    ...clientEnv,
    HOME: guest.paths.home,
    USER: guest.username,
    LOGNAME: guest.username,
    // macOS's login shell; the simulation runs commands with bash, which accepts the same scripts we send.
    SHELL: "/bin/zsh",
    PATH: [guest.paths.binDir, path.dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(
      ":",
    ),
    TMPDIR: `${guest.paths.tmpDir}/`,
    SSH_CONNECTION: `${ssh.clientIp} ${ssh.clientPort} ${ssh.serverIp} ${ssh.serverPort}`,
    SSH_CLIENT: `${ssh.clientIp} ${ssh.clientPort} ${ssh.serverPort}`,
    [MARKER_VAR]: markerValue(guest.vmName),
    TART_SIM_VM_PID: String(process.pid),
    TART_SIM_VM_NAME: guest.vmName,
    TART_SIM_VM_DIR: guest.vmDir,
  };
}

/** Whether a client `env` request may set `key` (sshd's default AcceptEnv on macOS). */
export function isAcceptedClientEnv(key: string): boolean {
  return key === "LANG" || key.startsWith("LC_");
}
