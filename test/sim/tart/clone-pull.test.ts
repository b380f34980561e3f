/**
 * tart-cli.md §4.9: the OCI cache layout with tag symlinks, pull progress on stdout, the per-host
 * lock, clone's silent overwrite, MAC inheritance, and the atomic move (invisible until done).
 */
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, createSimHome, seedVm, waitFor } from "./tart-harness.js";
import type { SimHome } from "./tart-harness.js";

const IMAGE = "ghcr.io/cirruslabs/macos-tahoe-base:latest";
const DIGEST = "a".repeat(64);
const MAC = "7a:00:00:00:00:42";
const images = { [IMAGE]: { digest: DIGEST, macAddress: MAC, compressedGB: 25.3, diskGB: 50 } };

let sim: SimHome;

beforeAll(assertBuilt);
afterEach(() => sim.cleanup());

function tmpEntries(): string[] {
  const tmp = path.join(sim.home, "tmp");
  return existsSync(tmp) ? readdirSync(tmp) : [];
}

function macOf(name: string): string {
  const config = JSON.parse(readFileSync(path.join(sim.home, "vms", name, "config.json"), "utf8")) as {
    macAddress: string;
  };
  return config.macAddress;
}

describe("tart pull", () => {
  it("downloads into cache/OCIs with a tag symlink to the digest directory, printing progress", async () => {
    sim = createSimHome({ images });
    const pull = await sim.tart(["pull", "ghcr.io/cirruslabs/macos-tahoe-base"]);
    expect(pull).toMatchObject({ code: 0, stderr: "" });
    expect(pull.stdout).toBe(
      `pulling ${IMAGE}...\npulling manifest...\npulling disk (25.3 GB compressed)...\n0%\n100%\npulling NVRAM...\n`,
    );
    const repo = path.join(sim.home, "cache", "OCIs", "ghcr.io", "cirruslabs", "macos-tahoe-base");
    expect(lstatSync(path.join(repo, "latest")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(repo, "latest"))).toBe(path.join(repo, `sha256:${DIGEST}`));
    for (const file of ["config.json", "disk.img", "nvram.bin"]) {
      expect(existsSync(path.join(repo, `sha256:${DIGEST}`, file))).toBe(true);
    }
    const again = await sim.tart(["pull", IMAGE]);
    expect(again.stdout).toBe(
      `pulling ${IMAGE}...\npulling manifest...\nghcr.io/cirruslabs/macos-tahoe-base@sha256:${DIGEST} image is already cached and linked!\n`,
    );
    const list = await sim.tart(["list", "--source", "oci", "-q"]);
    expect(list.stdout).toBe(`${IMAGE}\nghcr.io/cirruslabs/macos-tahoe-base@sha256:${DIGEST}\n`);
  });

  it("a second pull on the same registry host waits for the lock, then finds the image cached", async () => {
    sim = createSimHome({ images, delays: { pullMs: 2500 } });
    const first = sim.start(["pull", IMAGE]);
    await first.waitForStdout("0%");
    const second = sim.start(["pull", IMAGE]);
    await second.waitForStdout("waiting for lock...");
    const [a, b] = await Promise.all([first.result(), second.result()]);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^0%\n(\d+%\n)*100%\npulling NVRAM...$/m);
    expect(b).toMatchObject({ code: 0, stderr: "" });
    expect(b.stdout).toBe(
      `pulling ${IMAGE}...\npulling manifest...\nwaiting for lock...\n` +
        `ghcr.io/cirruslabs/macos-tahoe-base@sha256:${DIGEST} image is already cached! creating a symlink...\n`,
    );
  });

  it("says so when asked to pull a local VM", async () => {
    sim = createSimHome({ images });
    seedVm(sim.home, "local-vm");
    expect(await sim.tart(["pull", "local-vm"])).toMatchObject({
      code: 0,
      stdout: '"local-vm" is a local image, nothing to pull here!\n',
    });
    expect(await sim.tart(["pull", "local_vm"])).toMatchObject({
      code: 1,
      stdout: "",
      stderr: "failed to parse remote name: mismatched input '_' expecting {':', '/'} (character 6)\n",
    });
  });

  it("SIGINT during a hanging pull removes its staging directory (exit 1)", async () => {
    sim = createSimHome({ images, faults: { pullHang: {} } });
    const pull = sim.start(["pull", IMAGE]);
    await pull.waitForStdout("0%");
    expect(tmpEntries()).toHaveLength(1);
    pull.signal("SIGINT");
    expect(await pull.result()).toMatchObject({ code: 1, stderr: "Error: CancellationError()\n" });
    expect(tmpEntries()).toEqual([]);
  });
});

describe("tart clone", () => {
  it("pulls a remote source first; the first clone keeps the image MAC, later ones get fresh MACs", async () => {
    sim = createSimHome({ images });
    const first = await sim.tart(["clone", IMAGE, "vm1"]);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toBe(
      "pulling manifest...\npulling disk (25.3 GB compressed)...\n0%\n100%\npulling NVRAM...\n",
    );
    expect(macOf("vm1")).toBe(MAC);
    expect(await sim.tart(["clone", IMAGE, "vm2"])).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect(macOf("vm2")).not.toBe(MAC);
    expect(macOf("vm2")).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
  });

  it("replaces an existing VM of the same name silently", async () => {
    sim = createSimHome({ images });
    seedVm(sim.home, "source", { cpu: 8 });
    seedVm(sim.home, "target", { cpu: 2 });
    expect(await sim.tart(["clone", "source", "target"])).toMatchObject({ code: 0, stdout: "", stderr: "" });
    const get = await sim.tart(["get", "target", "--format", "json"]);
    expect(JSON.parse(get.stdout)).toMatchObject({ CPU: 8 });
  });

  it("is invisible to list until the atomic move at its end; a killed clone's staging is cleaned later", async () => {
    sim = createSimHome({ delays: { cloneMs: 3000 } });
    seedVm(sim.home, "source");
    const clone = sim.start(["clone", "source", "copy"]);
    await waitFor(() => tmpEntries().length === 1);
    const during = await sim.tart(["list", "--source", "local", "-q"]);
    expect(during.stdout).toBe("source\n");
    // Housekeeping skips the staging directory while its clone is alive (it is locked).
    expect(tmpEntries()).toHaveLength(1);
    clone.signal("SIGKILL");
    await clone.result();
    expect(await sim.tart(["list", "--source", "local", "-q"])).toMatchObject({ stdout: "source\n" });
    expect(tmpEntries()).toEqual([]);
  });

  it("onto a running VM's name: the new VM reads stopped and tart stop cannot reach the old run", async () => {
    sim = createSimHome();
    seedVm(sim.home, "source", { cpu: 8 });
    seedVm(sim.home, "busy");
    const run = sim.start(["run", "busy", "--no-graphics"]);
    await waitFor(async () =>
      (await sim.tart(["get", "busy", "--format", "json"])).stdout.includes('"running"'),
    );
    expect((await sim.tart(["clone", "source", "busy"])).code).toBe(0);
    expect(JSON.parse((await sim.tart(["get", "busy", "--format", "json"])).stdout)).toMatchObject({
      CPU: 8,
      State: "stopped",
    });
    expect(await sim.tart(["stop", "busy"])).toMatchObject({ code: 2, stderr: 'VM "busy" is not running\n' });
    run.signal("SIGINT");
    expect((await run.result()).code).toBe(0);
    expect(JSON.parse((await sim.tart(["get", "busy", "--format", "json"])).stdout)).toMatchObject({
      CPU: 8,
    });
  });
});
