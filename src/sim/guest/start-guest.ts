/**
 * Boots the guest side of a simulated VM: prepares its disk, starts its sshd on the VM's
 * loopback address, and watches for the guest powering itself off. `close()` is the power cut:
 * connections drop and every process the guest started dies, however it was detached.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fireFault } from "../faults.js";
import { readSimConfig } from "../sim-config.js";
import { NOHUP_NO_CONSOLE_FLAG } from "./guest-bin-scripts.js";
import type { Socket } from "node:net";
import type { StartGuest } from "./guest-contract.js";
import { hasGuestAgent } from "./guest-agent-files.js";
import { serveAgentConnection } from "./serve-agent.js";
import { guestPaths } from "./guest-paths.js";
import { guestMarker } from "./guest-session-env.js";
import { installGuestSystem } from "./install-guest-system.js";
import { killProcessesWithEnv } from "./kill-guest-processes.js";
import type { GuestSsh } from "./listen-guest-ssh.js";
import { listenGuestSsh } from "./listen-guest-ssh.js";
import { loadHostKey } from "./load-host-key.js";
import { watchPowerOff } from "./watch-power-off.js";

export const startGuest: StartGuest = async (options) => {
  const { vmName, vmDir, simDir, username, log } = options;
  const config = readSimConfig(simDir);
  const paths = guestPaths(vmDir, username);
  mkdirSync(paths.home, { recursive: true });
  mkdirSync(paths.tmpDir, { recursive: true });
  installGuestSystem(paths.root);
  // A marker left by the previous boot of this disk (or copied by a clone) is not a new request.
  rmSync(paths.powerOffMarker, { force: true });
  const hostKey = loadHostKey(paths.hostKey);

  // Faults are decided once per boot, so their `times` counts affected VMs.
  const refuse = fireFault(simDir, config, "sshRefuse", vmName) !== undefined;
  const rejectAll = fireFault(simDir, config, "sshAuthFail", vmName) !== undefined;
  const authEarlyMs = fireFault(simDir, config, "sshAuthEarly", vmName)?.forMs ?? 0;
  const dropAfterMs = fireFault(simDir, config, "sshDrop", vmName)?.afterMs;
  const nohupFlag = path.join(vmDir, NOHUP_NO_CONSOLE_FLAG);
  if (fireFault(simDir, config, "nohupNoConsole", vmName) !== undefined) {
    writeFileSync(nohupFlag, "nohup: can't detach from console (fault nohupNoConsole)\n");
  } else rmSync(nohupFlag, { force: true });

  let ssh: GuestSsh | undefined;
  if (refuse) log("sshd: not listening (fault sshRefuse)");
  else {
    const guest = { vmName, vmDir, username, paths };
    ssh = await listenGuestSsh({
      ...options,
      guest,
      hostKey,
      rejectAll,
      rejectUntilMs: Date.now() + authEarlyMs,
      dropAfterMs,
    });
  }

  const powerWatch = watchPowerOff(paths.powerOffMarker, config.delays.shutdownMs, (reason) => {
    log(`guest: powering off (${reason})`);
    options.onPowerOff(reason);
  });

  let closing: Promise<void> | undefined;
  const agentSockets = new Set<Socket>();
  const powerCut = async (): Promise<void> => {
    powerWatch.stop();
    // The agent goes down with the VM: its streams break before any command's end is reported.
    for (const socket of agentSockets) socket.destroy();
    const sshClosed = ssh?.close();
    await killProcessesWithEnv(guestMarker(vmName));
    await sshClosed;
  };
  const identity = { vmName, vmDir, username, paths };
  const agent = hasGuestAgent(paths.root)
    ? (socket: Socket): void => {
        agentSockets.add(socket);
        socket.once("close", () => agentSockets.delete(socket));
        serveAgentConnection(socket, identity, log);
      }
    : undefined;
  return { agent, close: () => (closing ??= powerCut()) };
};
