/**
 * Contract between the simulated `tart run` process (src/sim/tart) and the simulated guest
 * (src/sim/guest). A running simulated VM is the `tart run` process; it calls startGuest() once
 * the simulated boot has produced an IP, and close() when the VM powers off for any reason.
 *
 * Guest filesystem: `$TART_HOME/vms/<name>/guest/` is the VM's disk contents (copied by clone,
 * seeded by pull from the image description). The login user's home is `guest/Users/<username>`;
 * with `hasRunner` it contains `actions-runner/{run.sh,config.sh}` (the runner stand-in).
 */
import type { Socket } from "node:net";
import type { SimImage } from "../sim-config.js";

export interface GuestOptions {
  readonly vmName: string;
  /** `$TART_HOME/vms/<name>` */
  readonly vmDir: string;
  /** The simulation control dir (for faults and their counters). */
  readonly simDir: string;
  /** Loopback address the guest's SSH server binds, e.g. 127.77.0.5 */
  readonly ip: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** Called when a guest process runs `shutdown -h now` / `halt` / `poweroff` (after delays.shutdownMs). */
  readonly onPowerOff: (reason: string) => void;
  /** Diagnostic lines (go to the `tart run` process's stdout, like a serial console). */
  readonly log: (line: string) => void;
}

export interface GuestHandle {
  /** Serves one control-socket connection, when the image has the Tart Guest Agent (else undefined). */
  readonly agent: ((socket: Socket) => void) | undefined;
  /** Stops the SSH server and kills every process the guest started (the VM lost power). */
  close(): Promise<void>;
}

export type StartGuest = (options: GuestOptions) => Promise<GuestHandle>;

/** Creates the guest filesystem for an image in `<vmDir>/guest` (used when an image is pulled). */
export type SeedGuest = (guestRootDir: string, image: SimImage) => void;
