/**
 * The simulated DHCP pool as macOS's bootpd behaves for tart's shared network: 253 addresses
 * (.2–.254), one-day leases keyed by MAC. VMs with fresh random MACs exhaust it within a day and
 * then get no address (`tart ip` fails as tart does); VMs that reuse MACs reuse their leases.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { assignLease, leaseNow, resolveLease } from "../../../src/sim/tart/state/leases.js";
import { assertBuilt, createSimHome, seedVm, waitFor } from "./tart-harness.js";
import type { SimHome } from "./tart-harness.js";

let sim: SimHome;
beforeAll(assertBuilt);
afterEach(() => sim.cleanup());

const DAY = 86_400;
const mac = (n: number): string =>
  `7a:${[n >> 16, (n >> 8) & 0xff, n & 0xff, 0, 1]
    .map((octet) => octet.toString(16).padStart(2, "0"))
    .join(":")}`;

describe("the simulated DHCP pool", () => {
  it("300 VMs with random MACs in one day exhaust it after 253; a day later leases are free again", () => {
    sim = createSimHome();
    const now = new Date("2026-12-06T08:00:00Z");
    const ips = Array.from({ length: 300 }, (_, i) =>
      assignLease(sim.simDir, sim.ipPrefix, mac(i), DAY, new Date(now.getTime() + i * 60_000)),
    );
    expect(ips.filter((ip) => ip !== undefined)).toHaveLength(253);
    expect(new Set(ips.filter((ip) => ip !== undefined)).size).toBe(253);
    expect(ips.slice(253)).toEqual(Array(47).fill(undefined));
    expect(resolveLease(sim.simDir, mac(0), now)).toBe(`${sim.ipPrefix}.0.2`);
    // The first lease was taken at 08:00 and ends a day later; the next VM then gets its address.
    const nextDay = new Date(now.getTime() + DAY * 1000 + 1000);
    expect(resolveLease(sim.simDir, mac(0), nextDay)).toBeUndefined();
    expect(assignLease(sim.simDir, sim.ipPrefix, mac(1000), DAY, nextDay)).toBe(`${sim.ipPrefix}.0.2`);
  });

  it("300 VMs that reuse two slot MACs keep two leases", () => {
    sim = createSimHome();
    const now = Date.parse("2026-12-06T08:00:00Z");
    const ips = Array.from({ length: 300 }, (_, i) =>
      assignLease(sim.simDir, sim.ipPrefix, mac(i % 2), DAY, new Date(now + i * 60_000)),
    );
    expect(new Set(ips)).toEqual(new Set([`${sim.ipPrefix}.0.2`, `${sim.ipPrefix}.0.3`]));
  });

  it("leaseNow adds the configured offset", () => {
    sim = createSimHome();
    expect(leaseNow(DAY, 0).toISOString()).toBe("1970-01-02T00:00:00.000Z");
  });

  it("tart ip fails as tart does for a running VM that got no lease, until a day has passed", async () => {
    sim = createSimHome({ network: { leaseSeconds: DAY } });
    for (let i = 0; i < 253; i += 1) assignLease(sim.simDir, sim.ipPrefix, mac(i), DAY);
    seedVm(sim.home, "vm", { mac: "7a:ff:ff:ff:ff:01", guest: false });
    const run = sim.start(["run", "vm", "--no-graphics"]);
    await waitFor(
      async () => JSON.parse((await sim.tart(["get", "vm", "--format", "json"])).stdout).State === "running",
    );
    const ip = await sim.tart(["ip", "vm", "--wait", "1"]);
    expect(ip).toMatchObject({ code: 1, stdout: "", stderr: "no IP address found\n" });
    run.signal("SIGINT");
    await run.result();
    expect((await sim.tart(["ip", "vm"])).stderr).toBe("no IP address found, is your VM running?\n");

    // A day later every lease has expired; the next boot of the VM gets an address.
    sim.writeConfig({ network: { leaseSeconds: DAY, leaseClockOffsetSeconds: DAY + 60 } });
    const again = sim.start(["run", "vm", "--no-graphics"]);
    const answer = await sim.tart(["ip", "vm", "--wait", "10"]);
    expect(answer).toMatchObject({ code: 0, stdout: `${sim.ipPrefix}.0.2\n` });
    again.signal("SIGINT");
    await again.result();
  });
});
