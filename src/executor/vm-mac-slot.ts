/**
 * One stable MAC address per VM slot, for NAT (shared) networking. macOS's DHCP server hands out
 * one-day leases from a /24 keyed by MAC, so a fresh random MAC for every VM exhausts the pool
 * after about 253 VMs a day (tart docs/faq.md, macos-guest.md "DHCP"). Reusing a small set of MACs
 * makes every new VM renew a lease one of its predecessors held. Bridged networking keeps random
 * MACs (another network's DHCP server, and one host's MACs must not collide with another's).
 *
 * The MACs are locally administered unicast addresses derived from a seed (the executor's
 * hostname) and the slot number; a VM takes the lowest slot no other local VM's config uses,
 * under a lock so two VMs prepared at once never pick the same one (tart run would then give the
 * second a random MAC, Run.swift).
 */
import { createHash } from "node:crypto";
import type { Tart } from "../tart/tart.js";

/** More than the VMs that can exist at once (2 running plus those being torn down or cloned). */
export const MAC_SLOTS = 32;

/** The slot's MAC: `x2:…:<slot>`, locally administered (bit 1) and unicast (bit 0 clear). */
export function slotMacAddress(seed: string, slot: number): string {
  const hash = createHash("sha256").update(`tart-executor-mac:${seed}`).digest();
  const bytes = [
    ((hash[0] ?? 0) & 0xfc) | 0x02,
    hash[1] ?? 0,
    hash[2] ?? 0,
    hash[3] ?? 0,
    hash[4] ?? 0,
    slot & 0xff,
  ];
  return bytes.map((byte) => byte.toString(16).padStart(2, "0")).join(":");
}

let queue: Promise<unknown> = Promise.resolve();

/** Serialises slot choices in this process (the executor is the only writer of its VMs' MACs). */
function exclusively<T>(work: () => Promise<T>): Promise<T> {
  const result = queue.then(work, work);
  queue = result.catch(() => undefined);
  return result;
}

/** Gives VM `name` the lowest slot MAC no other local VM has; returns it. */
export function assignSlotMac(
  name: string,
  seed: string,
  tart: Pick<Tart, "macAddresses" | "setMacAddress">,
): Promise<string> {
  return exclusively(async () => {
    const taken = new Set<string>();
    for (const [vm, mac] of await tart.macAddresses()) if (vm !== name) taken.add(mac);
    for (let slot = 0; slot < MAC_SLOTS; slot += 1) {
      const mac = slotMacAddress(seed, slot);
      if (taken.has(mac)) continue;
      await tart.setMacAddress(name, mac);
      return mac;
    }
    throw new Error(
      `all ${MAC_SLOTS} MAC slots are taken by other local VMs; delete leftover VMs (tart list)`,
    );
  });
}
