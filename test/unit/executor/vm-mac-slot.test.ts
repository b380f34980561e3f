import { describe, expect, it } from "vitest";
import { assignSlotMac, MAC_SLOTS, slotMacAddress } from "../../../src/executor/vm-mac-slot.js";

/** Local VMs and their MACs, as the Tart adapter would read them from the VMs' config.json. */
function fakeTart(initial: Record<string, string>) {
  const macs = new Map(Object.entries(initial));
  return {
    macs,
    macAddresses: () => Promise.resolve(new Map(macs)),
    setMacAddress: (name: string, mac: string) => {
      macs.set(name, mac);
      return Promise.resolve();
    },
  };
}

describe("stable MACs per VM slot", () => {
  it("are locally administered unicast addresses, the same for a host and slot, different across slots and hosts", () => {
    const mac = slotMacAddress("mini-1", 0);
    expect(mac).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    const first = parseInt(mac.slice(0, 2), 16);
    expect(first & 0b10).toBe(0b10); // locally administered
    expect(first & 0b01).toBe(0); // unicast
    expect(slotMacAddress("mini-1", 0)).toBe(mac);
    expect(slotMacAddress("mini-1", 1)).not.toBe(mac);
    expect(slotMacAddress("mini-2", 0)).not.toBe(mac);
  });

  it("give a VM the lowest slot no other local VM uses, and reuse a slot once its VM is gone", async () => {
    const tart = fakeTart({ "image-copy": "aa:bb:cc:dd:ee:ff" });
    expect(await assignSlotMac("vm-a", "mini-1", tart)).toBe(slotMacAddress("mini-1", 0));
    expect(await assignSlotMac("vm-b", "mini-1", tart)).toBe(slotMacAddress("mini-1", 1));
    tart.macs.delete("vm-a");
    expect(await assignSlotMac("vm-c", "mini-1", tart)).toBe(slotMacAddress("mini-1", 0));
  });

  it("never give two VMs prepared at once the same slot", async () => {
    const tart = fakeTart({});
    const macs = await Promise.all(["a", "b", "c", "d"].map((vm) => assignSlotMac(vm, "mini-1", tart)));
    expect(new Set(macs).size).toBe(4);
  });

  it("say so when every slot is taken", async () => {
    const taken = Object.fromEntries(
      Array.from({ length: MAC_SLOTS }, (_, slot) => [`old-${slot}`, slotMacAddress("mini-1", slot)]),
    );
    await expect(assignSlotMac("vm-x", "mini-1", fakeTart(taken))).rejects.toThrow(
      /all 32 MAC slots are taken/,
    );
  });
});
