/** tart-cli.md §4.10: `list`/`get` field names and types, text tables, and the empty cases. */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, createSimHome, seedVm } from "./tart-harness.js";
import type { SimHome } from "./tart-harness.js";

const IMAGE = "ghcr.io/cirruslabs/macos-tahoe-base:latest";
let sim: SimHome;

beforeAll(assertBuilt);
afterEach(() => sim.cleanup());

describe("list and get", () => {
  it("list JSON: Source local/OCI, int Disk and Size, ISO Accessed without millis, bool Running, State", async () => {
    sim = createSimHome({ images: { [IMAGE]: { digest: "b".repeat(64) } } });
    seedVm(sim.home, "zeta", { diskGB: 20 });
    seedVm(sim.home, "alpha");
    expect((await sim.tart(["pull", IMAGE])).code).toBe(0);
    const r = await sim.tart(["list", "--format", "json"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows.map((row) => [row["Source"], row["Name"]])).toEqual([
      ["local", "alpha"],
      ["local", "zeta"],
      ["OCI", IMAGE],
      ["OCI", `ghcr.io/cirruslabs/macos-tahoe-base@sha256:${"b".repeat(64)}`],
    ]);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(["Source", "Name", "Disk", "Size", "Accessed", "Running", "State"]);
      expect(Number.isInteger(row["Disk"])).toBe(true);
      expect(Number.isInteger(row["Size"])).toBe(true);
      expect(row["Accessed"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(row).toMatchObject({ Running: false, State: "stopped" });
    }
    expect(rows[1]).toMatchObject({ Disk: 20 });
    // Swift's JSONEncoder: pretty-printed with `" : "` and escaped slashes.
    expect(r.stdout).toContain('    "Name" : "ghcr.io\\/cirruslabs\\/macos-tahoe-base:latest",\n');
  });

  it("get JSON: Memory in MiB, Size a string with 3 decimals, Display text", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm", { cpu: 6, memoryMiB: 16384, diskGB: 80 });
    const r = await sim.tart(["get", "vm", "--format", "json"]);
    const info = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(info).toMatchObject({
      CPU: 6,
      Memory: 16384,
      Disk: 80,
      DiskFormat: "raw",
      Display: "1024x768",
      OS: "darwin",
      Running: false,
      State: "stopped",
    });
    expect(info["Size"]).toMatch(/^\d+\.\d{3}$/);
    const text = await sim.tart(["get", "vm"]);
    expect(text.stdout).toMatch(
      /^OS +CPU Memory Disk DiskFormat Size +Display +State +\ndarwin 6 +16384 +80 +raw +\d+\.\d{3} 1024x768 stopped\n$/,
    );
  });

  it("text list: a plain table whose headings are Source Name Disk Size Accessed State", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm");
    const r = await sim.tart(["list"]);
    const [header, row] = r.stdout.split("\n");
    expect(header?.split(/ +/).filter((w) => w !== "")).toEqual([
      "Source",
      "Name",
      "Disk",
      "Size",
      "Accessed",
      "State",
    ]);
    expect(row).toMatch(/^local +vm +50 +0 +\d+ seconds? ago stopped$/);
  });

  it("with no VMs: text prints one empty line, JSON an empty array, -q nothing", async () => {
    sim = createSimHome();
    const [text, json, quiet] = await Promise.all([
      sim.tart(["list"]),
      sim.tart(["list", "--format", "json"]),
      sim.tart(["list", "-q"]),
    ]);
    expect(text).toMatchObject({ code: 0, stdout: "\n" });
    expect(json.stdout).toBe("[\n\n]\n");
    expect(JSON.parse(json.stdout)).toEqual([]);
    expect(quiet.stdout).toBe("");
  });
});
