/**
 * tart-cli.md §4.4 and §4.5: `running` comes from the liveness of `tart run` (set before the boot
 * finishes, gone the instant the process dies), and how `tart run` ends on each signal or event.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, createSimHome, seedVm, waitFor } from "./tart-harness.js";
import type { SimHome, TartProcess } from "./tart-harness.js";

let sim: SimHome;

beforeAll(assertBuilt);
afterEach(() => sim.cleanup());

async function state(name: string): Promise<string> {
  const r = await sim.tart(["get", name, "--format", "json"]);
  return (JSON.parse(r.stdout) as { State: string }).State;
}

async function startRunning(name: string, args: readonly string[] = []): Promise<TartProcess> {
  const run = sim.start(["run", name, "--no-graphics", ...args]);
  await waitFor(
    async () => (await state(name)) === "running",
    15_000,
    () => `${name} running`,
  );
  return run;
}

describe("tart run lifecycle", () => {
  it("reads running before its boot has finished, and SIGINT ends it with Stopping VM... (exit 0)", async () => {
    sim = createSimHome({ delays: { bootMs: 60_000 } });
    seedVm(sim.home, "vm");
    const run = await startRunning("vm");
    const ip = await sim.tart(["ip", "vm"]);
    expect(ip).toMatchObject({ code: 1, stdout: "", stderr: "no IP address found\n" });
    run.signal("SIGINT");
    const result = await run.result();
    expect(result).toMatchObject({ code: 0, stdout: "Stopping VM...\n", stderr: "" });
    expect(await state("vm")).toBe("stopped");
  });

  it("SIGKILL flips the state to stopped with no clean-up step", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm");
    const run = await startRunning("vm");
    run.signal("SIGKILL");
    expect((await run.result()).signal).toBe("SIGKILL");
    expect(existsSync(path.join(sim.home, "vms", "vm", ".sim-run.json"))).toBe(true);
    expect(await state("vm")).toBe("stopped");
  });

  it("SIGTERM kills it silently (tart installs no handler)", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm");
    const run = await startRunning("vm");
    run.signal("SIGTERM");
    const result = await run.result();
    expect(result).toMatchObject({ code: null, signal: "SIGTERM", stderr: "" });
    // Only the guest's console lines (see guest-contract.ts), nothing from tart itself.
    expect(result.stdout).not.toContain("Stopping VM...");
    expect(await state("vm")).toBe("stopped");
  });

  it("exits 0 with 'guest has stopped the virtual machine' when the guest powers off", async () => {
    sim = createSimHome({ faults: { guestStop: { afterMs: 0 } } });
    seedVm(sim.home, "vm");
    const result = await sim.start(["run", "vm", "--no-graphics"]).result();
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe("guest has stopped the virtual machine");
  });

  it("SIGUSR2 requests a guest shutdown, then exits 0 after delays.shutdownMs", async () => {
    sim = createSimHome({ delays: { shutdownMs: 300 } });
    seedVm(sim.home, "vm");
    const run = await startRunning("vm");
    const sent = Date.now();
    run.signal("SIGUSR2");
    const result = await run.result();
    expect(Date.now() - sent).toBeGreaterThanOrEqual(300);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toContain("Requesting guest OS to stop...");
    expect(lines.at(-1)).toBe("guest has stopped the virtual machine");
  });

  it("SIGUSR1 without --suspendable fails the suspend and kills the VM (exit 1)", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm");
    const run = await startRunning("vm");
    run.signal("SIGUSR1");
    const result = await run.result();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^Failed to suspend the VM: .+$/m);
    expect(existsSync(path.join(sim.home, "vms", "vm", "state.vzvmsave"))).toBe(false);
  });

  it("SIGUSR1 with --suspendable saves state.vzvmsave, exits 0, and the next run restores it", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm");
    const run = await startRunning("vm", ["--suspendable"]);
    run.signal("SIGUSR1");
    const result = await run.result();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "pausing VM to take a snapshot...\ncreating a snapshot...\nsnapshot created successfully! shutting down the VM...\n",
    );
    expect(result.stdout).not.toContain("Stopping VM...");
    expect(await state("vm")).toBe("suspended");
    const resumed = sim.start(["run", "vm", "--no-graphics"]);
    await resumed.waitForStdout("resuming VM...");
    expect(resumed.stdout.startsWith("restoring VM state from a snapshot...\nresuming VM...\n")).toBe(true);
    resumed.signal("SIGINT");
    expect((await resumed.result()).code).toBe(0);
  });

  it("a stop of a suspended VM discards its saved state (exit 0)", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm");
    const run = await startRunning("vm", ["--suspendable"]);
    run.signal("SIGUSR1");
    await run.result();
    expect(await sim.tart(["stop", "vm"])).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect(await state("vm")).toBe("stopped");
  });

  it("regenerates the MAC when another running VM already uses it", async () => {
    sim = createSimHome();
    seedVm(sim.home, "first", { mac: "7a:00:00:00:00:99" });
    seedVm(sim.home, "second", { mac: "7a:00:00:00:00:99" });
    const first = await startRunning("first");
    const second = await startRunning("second");
    await second.waitForStdout("Resetting VM to assign a new MAC address...");
    expect(
      second.stdout.startsWith(
        "There is already a running VM with the same MAC address!\nResetting VM to assign a new MAC address...\n",
      ),
    ).toBe(true);
    const mac = JSON.parse(readFileSync(path.join(sim.home, "vms", "second", "config.json"), "utf8")) as {
      macAddress: string;
    };
    expect(mac.macAddress).not.toBe("7a:00:00:00:00:99");
    for (const run of [first, second]) run.signal("SIGINT");
    await Promise.all([first.result(), second.result()]);
  });
});
