/**
 * The simulated boot of a started VM: after `delays.bootMs` (+ the `slowIp` fault) the guest's
 * DHCP client gets a lease for the VM's MAC (none with `noIp`; bridged VMs get their address from
 * the LAN, not from the host's DHCP server), after `delays.sshReadyMs` the guest (its SSH server)
 * is up, then control.sock is served (the agent answers there if the image has it). The `guestStop` fault powers it off later.
 */
import type { Server } from "node:net";
import { createHash } from "node:crypto";
import { fireFault } from "../../faults.js";
import type { GuestHandle } from "../../guest/guest-contract.js";
import type { TartContext } from "../context.js";
import { sleep } from "../io/sleep.js";
import { loadStartGuest } from "../registry/guest-modules.js";
import { assignLease, leaseNow } from "../state/leases.js";
import { readImageInfo } from "../storage/image-info.js";
import type { ClaimedVm } from "./claim-vm.js";
import { serveControlSocket } from "./control-socket.js";

/** Softnet cuts the host's DHCP lease time to 10 minutes. */
const SOFTNET_LEASE_SECONDS = 600;

export interface BootEvents {
  readonly onAddress: (ip: string) => void;
  readonly onGuest: (guest: GuestHandle) => void;
  /** The control socket is served; `agent` says whether the guest's agent answers on it. */
  readonly onAgent: (server: Server, agent: boolean) => void;
  readonly onPowerOff: () => void;
}

export async function bootGuest(
  ctx: TartContext,
  claim: ClaimedVm,
  signal: AbortSignal,
  events: BootEvents,
): Promise<void> {
  const config = ctx.config();
  const name = claim.vm.name;
  const slow = fireFault(ctx.simDir, config, "slowIp", name)?.ms ?? 0;
  await sleep(config.delays.bootMs + slow, signal);
  if (fireFault(ctx.simDir, config, "noIp", name) !== undefined) return;
  const ip = address(ctx, claim);
  if (ip === undefined) return;
  events.onAddress(ip);
  await sleep(config.delays.sshReadyMs, signal);
  const guest = await startGuest(ctx, claim, ip, events.onPowerOff);
  if (guest !== undefined) {
    if (signal.aborted) {
      await guest.close();
      return;
    }
    events.onGuest(guest);
  }
  const control = await serveControlSocket(claim.vm.controlSocketPath, guest?.agent);
  if (control !== undefined) {
    if (signal.aborted) control.close();
    else events.onAgent(control, guest?.agent !== undefined);
  }
  const stop = fireFault(ctx.simDir, config, "guestStop", name);
  if (stop !== undefined) {
    await sleep(stop.afterMs, signal);
    events.onPowerOff();
  }
}

function address(ctx: TartContext, claim: ClaimedVm): string | undefined {
  const { network } = ctx.config();
  const mac = claim.config.macAddress;
  if (claim.network === "bridged") {
    // The LAN's DHCP server, outside the host's lease file (so `tart ip` with dhcp cannot see it).
    const host = 2 + (createHash("sha256").update(mac).digest().readUInt16BE(0) % 253);
    return `${network.ipPrefix}.1.${host}`;
  }
  const seconds =
    claim.network === "softnet"
      ? Math.min(SOFTNET_LEASE_SECONDS, network.leaseSeconds)
      : network.leaseSeconds;
  return assignLease(ctx.simDir, network.ipPrefix, mac, seconds, leaseNow(network.leaseClockOffsetSeconds));
}

async function startGuest(
  ctx: TartContext,
  claim: ClaimedVm,
  ip: string,
  onPowerOff: () => void,
): Promise<GuestHandle | undefined> {
  const start = await loadStartGuest();
  if (typeof start === "string") {
    ctx.out.error(`[tart-sim] the VM has no SSH server (guest simulation unavailable: ${start})`);
    return undefined;
  }
  const login = readImageInfo(claim.vm.base);
  try {
    return await start({
      vmName: claim.vm.name,
      vmDir: claim.vm.base,
      simDir: ctx.simDir,
      ip,
      port: ctx.config().network.sshPort,
      username: login.username,
      password: login.password,
      onPowerOff: () => onPowerOff(),
      log: (line) => ctx.out.line(line),
    });
  } catch (error) {
    ctx.out.error(`[tart-sim] the guest failed to start: ${(error as Error).message}`);
    return undefined;
  }
}
