/**
 * DHCP leases under NAT networking, through the product's own VM preparation (prepareVm) and the
 * Tart adapter against the simulated tart, whose lease pool is macOS bootpd's: 253 addresses of a
 * /24, one-day leases keyed by MAC (tart docs/faq.md). 300 full VM lives through the daemon take
 * minutes on a shared host, so the pool is brought to the state 300 VMs would leave it in: every
 * address but the one our first VM leased is held by some other MAC. A VM that needs a new lease
 * then gets no address at all; VMs that reuse their slot's MAC keep booting.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareVm } from "../../../src/executor/vm-prepare.js";
import type { VmSettings } from "../../../src/executor/vm-settings.js";
import { Tart } from "../../../src/tart/tart.js";
import {
  IMAGE_WITH_RUNNER,
  simTartExecutable,
  startSimWorld,
  type SimWorld,
} from "../../../src/sim/world/sim-world.js";

let world: SimWorld;
let tart: Tart;

beforeAll(async () => {
  world = await startSimWorld();
  tart = new Tart({
    executable: simTartExecutable,
    env: { PATH: process.env["PATH"] ?? "", TART_HOME: world.tartHome, CI: "1" },
  });
});
afterAll(async () => world.close());

function settings(netBridged: string | null): VmSettings {
  return {
    pullPolicy: "if-not-present",
    insecure: () => false,
    registryEnv: {},
    noGraphics: true,
    netBridged,
    dirs: [],
    runnerGroup: null,
    disableUpdates: false,
    workFolder: "_work",
    guestRunnerDir: "~/actions-runner",
    vmLogDir: world.root,
    macSeed: "mini-1",
    timeouts: { pullMs: 60_000, cloneMs: 60_000, bootMs: 20_000, runnerOnlineMs: 60_000, teardownMs: 30_000 },
  };
}

/** One VM's life as far as the network goes: prepare (clone, set, MAC), run, address, stop, delete. */
async function vmLife(name: string, vmSettings: VmSettings): Promise<{ ip: string | null; mac: string }> {
  await prepareVm(
    {
      name,
      spec: { image: IMAGE_WITH_RUNNER, cpu: null, memoryMiB: null, labels: [] },
      signal: new AbortController().signal,
    },
    { tart, settings: vmSettings, observe: () => undefined, now: () => Date.now() },
  );
  const mac = (await tart.macAddresses()).get(name) ?? "";
  const run = tart.run(name, { noGraphics: true, logFile: path.join(world.root, `${name}.log`) });
  try {
    // tart ip's dhcp resolver answers from a lease whether or not this boot took it (tart #172):
    // ask only once the VM runs, as the executor does (it then probes the guest itself).
    for (
      let polls = 0;
      (await tart.listLocal()).find((vm) => vm.name === name)?.state !== "running";
      polls += 1
    )
      if (polls >= 100) throw new Error(`${name} never ran`);
      else await new Promise((resolve) => setTimeout(resolve, 100));
    return { ip: await tart.ip(name, { waitSeconds: 3 }), mac };
  } catch {
    return { ip: null, mac };
  } finally {
    await tart.stop(name, { timeoutSeconds: 5 }).catch((error: unknown) => {
      throw new Error(
        `${String(error)}; its log: ${readFileSync(path.join(world.root, `${name}.log`), "utf8")}`,
      );
    });
    await run.exited;
    await tart.delete(name);
  }
}

/** Leases every address of the VM's /24 but `keep` to other MACs, as a day of random-MAC VMs would. */
function fillPoolExcept(keep: string): void {
  const file = path.join(world.simDir, "leases.json");
  const leases = JSON.parse(readFileSync(file, "utf8")) as Record<string, { ip: string; expiresAt: string }>;
  const prefix = keep.split(".").slice(0, 3).join(".");
  const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
  for (let host = 2; host <= 254; host += 1) {
    const ip = `${prefix}.${host}`;
    if (ip === keep) continue;
    leases[
      `0e:00:00:00:${(host >> 8).toString(16).padStart(2, "0")}:${(host & 0xff).toString(16).padStart(2, "0")}`
    ] = {
      ip,
      expiresAt,
    };
  }
  writeFileSync(file, JSON.stringify(leases, null, 2));
}

describe("DHCP leases in NAT networking", () => {
  it("VMs in a row reuse their slot's MAC and lease, even with every other address of the pool leased", async () => {
    const first = await vmLife("lease-vm-0", settings(null));
    expect(first.ip).not.toBeNull();
    fillPoolExcept(first.ip ?? "");
    const later: Array<{ ip: string | null; mac: string }> = [];
    for (let index = 1; index <= 12; index += 1)
      later.push(await vmLife(`lease-vm-${index}`, settings(null)));
    expect(later.map((vm) => vm.mac)).toEqual(Array.from({ length: 12 }, () => first.mac));
    expect(later.map((vm) => vm.ip)).toEqual(Array.from({ length: 12 }, () => first.ip));
  }, 120_000);

  it("with bridged networking a VM gets a random MAC, which in this exhausted pool finds no address", async () => {
    const bridged = await vmLife("lease-vm-bridged", settings("en0"));
    const slotMac = (await vmLife("lease-vm-after", settings(null))).mac;
    expect(bridged.mac).not.toBe(slotMac);
    // The simulation has no bridged network; its NAT pool shows what a fresh MAC costs.
    expect(bridged.ip).toBeNull();
    const invocations = readFileSync(path.join(world.simDir, "invocations.jsonl"), "utf8");
    expect(invocations).toContain('"set","lease-vm-bridged","--random-mac"');
    expect(invocations).not.toContain('"set","lease-vm-after","--random-mac"');
  }, 60_000);
});
