/** The remaining commands: set, exec, prune, create, rename, suspend, and delete of cache entries. */
import { readFileSync, statSync, utimesSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, createSimHome, seedVm, waitFor } from "./tart-harness.js";
import type { SimHome } from "./tart-harness.js";

let sim: SimHome;

beforeAll(assertBuilt);
afterEach(() => sim.cleanup());

function config(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(sim.home, "vms", name, "config.json"), "utf8")) as Record<
    string,
    unknown
  >;
}

describe("tart set", () => {
  it("enforces the image minimums with LessThanMinimalResourcesError (exit 1)", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm", { cpu: 4, memoryMiB: 8192 });
    const [cpu, memory] = await Promise.all([
      sim.tart(["set", "vm", "--cpu", "2"]),
      sim.tart(["set", "vm", "--memory", "4096"]),
    ]);
    expect(cpu).toMatchObject({
      code: 1,
      stderr: "Error: LessThanMinimalResourcesError: VM should have 4 CPU cores at minimum (requested 2)\n",
    });
    expect(memory.stderr).toBe(
      "Error: LessThanMinimalResourcesError: VM should have 8589934592 bytes of memory at minimum (requested 4294967296)\n",
    );
  });

  it("rewrites config.json: cpu, memory, display, refit (cleared when not given), random MAC", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm", { mac: "7a:00:00:00:00:07" });
    const r = await sim.tart([
      "set",
      "vm",
      "--cpu",
      "8",
      "--memory",
      "16384",
      "--display",
      "1920x1080px",
      "--display-refit",
      "--random-mac",
    ]);
    expect(r).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect(config("vm")).toMatchObject({
      cpuCount: 8,
      memorySize: 16384 * 1024 * 1024,
      display: { width: 1920, height: 1080, unit: "px" },
      displayRefit: true,
    });
    expect(config("vm")["macAddress"]).not.toBe("7a:00:00:00:00:07");
    expect((await sim.tart(["set", "vm", "--cpu", "6"])).code).toBe(0);
    expect(config("vm")).not.toHaveProperty("displayRefit");
    expect(JSON.parse((await sim.tart(["get", "vm", "--format", "json"])).stdout)).toMatchObject({
      Display: "1920x1080px",
    });
  });

  it("--disk-size only grows the disk", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm", { diskGB: 50 });
    expect(await sim.tart(["set", "vm", "--disk-size", "40"])).toMatchObject({
      code: 1,
      stderr: "new disk size of 40 GB should be larger than the current disk size of 50 GB\n",
    });
    expect((await sim.tart(["set", "vm", "--disk-size", "80"])).code).toBe(0);
    expect(statSync(path.join(sim.home, "vms", "vm", "disk.img")).size).toBe(80e9);
  });
});

describe("tart exec", () => {
  it("runs the command in the guest home, streams output and propagates the exit code", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm");
    expect(await sim.tart(["exec", "vm", "true"])).toMatchObject({
      code: 2,
      stderr: 'VM "vm" is not running\n',
    });
    const run = sim.start(["run", "vm", "--no-graphics"]);
    await waitFor(async () => (await sim.tart(["ip", "vm", "--resolver", "agent"])).code === 0);
    const r = await sim.tart(["exec", "vm", "sh", "-c", "pwd; echo oops >&2; exit 7"]);
    expect(r).toMatchObject({
      code: 7,
      stdout: `${path.join(sim.home, "vms", "vm", "guest", "Users", "admin")}\n`,
      stderr: "oops\n",
    });
    run.signal("SIGINT");
    await run.result();
  });

  it("a guest shutdown through exec powers the VM off; the exec loses its connection (exit 1)", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm");
    const run = sim.start(["run", "vm", "--no-graphics"]);
    await waitFor(async () => (await sim.tart(["ip", "vm", "--resolver", "agent"])).code === 0);
    // The agent's PATH (its launchd plist) has no /sbin, so shutdown needs its full path.
    const bare = await sim.tart(["exec", "vm", "sudo", "shutdown", "-h", "now"]);
    expect(bare).toMatchObject({ code: 1, stderr: "sudo: shutdown: command not found\n" });
    const exec = await sim.tart(["exec", "vm", "sudo", "/sbin/shutdown", "-h", "now"]);
    expect(exec.code).toBe(1);
    expect(exec.stderr).toBe("Error: unavailable (14): Transport became inactive\n");
    const result = await run.result();
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe("guest has stopped the virtual machine");
  });

  it("fails while the guest agent is not up yet (exit 1)", async () => {
    sim = createSimHome({ delays: { bootMs: 60_000, agentWaitMs: 300 } });
    seedVm(sim.home, "vm");
    const run = sim.start(["run", "vm", "--no-graphics"]);
    await waitFor(
      async () => JSON.parse((await sim.tart(["get", "vm", "--format", "json"])).stdout).State === "running",
    );
    const r = await sim.tart(["exec", "vm", "true"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^Failed to connect to the VM using its control socket: .+, is the Tart Guest Agent running\?\n$/,
    );
    run.signal("SIGINT");
    await run.result();
  });
});

describe("tart prune", () => {
  it("needs a criterion (exit 64) and removes cache entries last accessed too long ago", async () => {
    const image = "ghcr.io/acme/old:1";
    sim = createSimHome({ images: { [image]: {} } });
    const none = await sim.tart(["prune"]);
    expect(none.code).toBe(64);
    expect(none.stderr.split("\n")[0]).toBe("Error: at least one pruning criteria must be specified");
    expect((await sim.tart(["pull", image])).code).toBe(0);
    expect((await sim.tart(["prune", "--older-than", "3"])).code).toBe(0);
    expect((await sim.tart(["list", "--source", "oci", "-q"])).stdout).not.toBe("");
    const dir = path.join(sim.home, "cache", "OCIs", "ghcr.io", "acme", "old", "1");
    const old = new Date(Date.now() - 10 * 24 * 3600 * 1000);
    utimesSync(dir, old, old);
    expect(await sim.tart(["prune", "--older-than=3"])).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect((await sim.tart(["list", "--source", "oci", "-q"])).stdout).toBe("");
  });

  it("--entries vms --space-budget removes stopped VMs beyond the budget, least recently used first", async () => {
    sim = createSimHome({ images: { "ghcr.io/acme/base:1": { compressedGB: 20 } } });
    expect((await sim.tart(["clone", "ghcr.io/acme/base:1", "older"])).code).toBe(0);
    expect((await sim.tart(["clone", "ghcr.io/acme/base:1", "newer"])).code).toBe(0);
    const old = new Date(Date.now() - 3600 * 1000);
    utimesSync(path.join(sim.home, "vms", "older"), old, old);
    expect((await sim.tart(["prune", "--entries", "vms", "--space-budget", "25"])).code).toBe(0);
    expect((await sim.tart(["list", "--source", "local", "-q"])).stdout).toBe("newer\n");
  });
});

describe("other commands", () => {
  it("create --linux, rename, and delete of an OCI cache entry by remote name", async () => {
    const image = "ghcr.io/acme/base:1";
    sim = createSimHome({ images: { [image]: {} } });
    expect(await sim.tart(["create", "--linux", "debian"])).toMatchObject({
      code: 0,
      stdout: "",
      stderr: "",
    });
    expect(config("debian")).toMatchObject({ os: "linux", cpuCount: 4, memorySize: 4 * 1024 ** 3 });
    expect((await sim.tart(["rename", "debian", "ubuntu"])).code).toBe(0);
    expect((await sim.tart(["list", "--source", "local", "-q"])).stdout).toBe("ubuntu\n");
    expect((await sim.tart(["pull", image])).code).toBe(0);
    expect(await sim.tart(["delete", image])).toMatchObject({ code: 0, stdout: "", stderr: "" });
    // The tag link is gone and the digest directory nothing links to is garbage-collected.
    expect((await sim.tart(["list", "--source", "oci", "-q"])).stdout).toBe("");
    expect(await sim.tart(["delete", image])).toMatchObject({
      code: 2,
      stderr: `the specified VM "${image}" does not exist\n`,
    });
  });

  it("suspend sends SIGUSR1 to the run of a --suspendable VM", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm");
    expect(await sim.tart(["suspend", "vm"])).toMatchObject({
      code: 2,
      stderr: 'VM "VM "vm" is not running" is not running\n',
    });
    const run = sim.start(["run", "vm", "--no-graphics", "--suspendable"]);
    await waitFor(
      async () => JSON.parse((await sim.tart(["get", "vm", "--format", "json"])).stdout).State === "running",
    );
    expect((await sim.tart(["suspend", "vm"])).code).toBe(0);
    expect((await run.result()).code).toBe(0);
    expect(JSON.parse((await sim.tart(["get", "vm", "--format", "json"])).stdout)).toMatchObject({
      State: "suspended",
    });
  });
});
