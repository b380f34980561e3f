/** Boots a simulated guest in-process, as the simulated `tart run` would, in a temp TART_HOME. */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { GuestHandle } from "../../../../src/sim/guest/guest-contract.js";
import { seedGuest } from "../../../../src/sim/guest/seed-guest.js";
import { startGuest } from "../../../../src/sim/guest/start-guest.js";
import { simImageSchema } from "../../../../src/sim/sim-config.js";
import { makeTempDir, uniqueLoopbackIp } from "./temp-dir.js";

export interface TestGuest {
  readonly ip: string;
  readonly port: number;
  readonly vmName: string;
  readonly vmDir: string;
  readonly simDir: string;
  readonly home: string;
  readonly handle: GuestHandle;
  readonly powerOffs: string[];
  readonly log: string[];
  /** Powers the guest off and removes its temp dir. */
  dispose(): Promise<void>;
}

export interface TestGuestOptions {
  /** Written to `<simDir>/config.json`. */
  readonly simConfig?: unknown;
  readonly vmName?: string;
  /** Reuse an existing TART_HOME-like dir (to boot the same disk twice). */
  readonly baseDir?: string;
  /** Image settings (simImageSchema) the disk is seeded from. */
  readonly image?: Record<string, unknown>;
}

export const USERNAME = "admin";
export const PASSWORD = "admin";
export const SSH_PORT = 2222;

export async function bootTestGuest(options: TestGuestOptions = {}): Promise<TestGuest> {
  const temp = options.baseDir === undefined ? makeTempDir() : undefined;
  const base = options.baseDir ?? temp?.dir ?? "";
  const vmName = options.vmName ?? "vm-under-test";
  const vmDir = path.join(base, "vms", vmName);
  const simDir = path.join(base, ".sim");
  mkdirSync(simDir, { recursive: true });
  if (options.simConfig !== undefined)
    writeFileSync(path.join(simDir, "config.json"), JSON.stringify(options.simConfig));
  seedGuest(
    path.join(vmDir, "guest"),
    simImageSchema.parse({ ...options.image, username: USERNAME, password: PASSWORD }),
  );
  const ip = uniqueLoopbackIp();
  const powerOffs: string[] = [];
  const log: string[] = [];
  const handle = await startGuest({
    vmName,
    vmDir,
    simDir,
    ip,
    port: SSH_PORT,
    username: USERNAME,
    password: PASSWORD,
    onPowerOff: (reason) => powerOffs.push(reason),
    log: (line) => log.push(line),
  });
  return {
    ip,
    port: SSH_PORT,
    vmName,
    vmDir,
    simDir,
    home: path.join(vmDir, "guest", "Users", USERNAME),
    handle,
    powerOffs,
    log,
    dispose: async () => {
      await handle.close();
      temp?.remove();
    },
  };
}
