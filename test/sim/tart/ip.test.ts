/**
 * tart-cli.md §4.7: `tart ip` waits for the simulated boot by polling, answers with a stale lease
 * for a stopped VM (tart #172), and fails with tart's messages when no address shows up.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, createSimHome, seedVm } from "./tart-harness.js";
import type { SimHome } from "./tart-harness.js";

let sim: SimHome;

beforeAll(assertBuilt);
afterEach(() => sim.cleanup());

describe("tart ip", () => {
  it("polls until the boot delay has passed, prints a bare address, and keeps answering after stop", async () => {
    sim = createSimHome({ delays: { bootMs: 1500 } });
    seedVm(sim.home, "vm", { mac: "7a:00:00:00:aa:01" });
    const run = sim.start(["run", "vm", "--no-graphics"]);
    const started = Date.now();
    const ip = await sim.tart(["ip", "vm", "--wait", "30"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(ip).toMatchObject({ code: 0, stdout: `${sim.ipPrefix}.0.2\n`, stderr: "" });
    run.signal("SIGINT");
    await run.result();
    // The lease outlives the VM: a stopped VM still "has" its address.
    expect(await sim.tart(["ip", "vm"])).toMatchObject({ code: 0, stdout: `${sim.ipPrefix}.0.2\n` });
  });

  it("a MAC keeps its address; another MAC gets the next one", async () => {
    sim = createSimHome();
    seedVm(sim.home, "a", { mac: "7a:00:00:00:aa:02" });
    seedVm(sim.home, "b", { mac: "7a:00:00:00:aa:03" });
    for (const name of ["a", "b", "a"]) {
      const run = sim.start(["run", name, "--no-graphics"]);
      await sim.tart(["ip", name, "--wait", "30"]);
      run.signal("SIGINT");
      await run.result();
    }
    const [a, b] = await Promise.all([sim.tart(["ip", "a"]), sim.tart(["ip", "b"])]);
    expect(a.stdout).toBe(`${sim.ipPrefix}.0.2\n`);
    expect(b.stdout).toBe(`${sim.ipPrefix}.0.3\n`);
  });

  it("never gets an IP under the noIp fault: fails after --wait with exit 1", async () => {
    sim = createSimHome({ faults: { noIp: {} } });
    seedVm(sim.home, "vm");
    const run = sim.start(["run", "vm", "--no-graphics"]);
    const started = Date.now();
    const ip = await sim.tart(["ip", "vm", "--wait", "1"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(ip).toMatchObject({ code: 1, stdout: "", stderr: "no IP address found\n" });
    run.signal("SIGINT");
    await run.result();
  });

  it("adds ', is your VM running?' for a stopped VM, and resolver-specific hints", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm");
    seedVm(sim.home, "lin", { os: "linux" });
    const [dhcp, agent, arp] = await Promise.all([
      sim.tart(["ip", "vm"]),
      sim.tart(["ip", "vm", "--resolver", "agent"]),
      sim.tart(["ip", "lin", "--resolver=arp"]),
    ]);
    expect(dhcp).toMatchObject({ code: 1, stderr: "no IP address found, is your VM running?\n" });
    expect(agent.stderr).toBe(
      "no IP address found, is your VM running? (also make sure that Guest agent for Tart is running inside of a VM)\n",
    );
    expect(arp.stderr).toBe(
      "no IP address found, is your VM running? (not all Linux distributions are compatible with the ARP resolver)\n",
    );
  });

  it("fails with exit 1 on a malformed leases file", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm");
    writeFileSync(path.join(sim.simDir, "leases.json"), "{ truncated");
    expect(await sim.tart(["ip", "vm"])).toMatchObject({
      code: 1,
      stdout: "",
      stderr: 'Error: Truncated(name: "truncated DHCPD leases file")\n',
    });
  });
});
