/** tart-cli.md §4.2 and §4.3: exit-code classes, message prefixes, and which stream carries what. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, createSimHome, seedVm } from "./tart-harness.js";
import type { SimHome } from "./tart-harness.js";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

let sim: SimHome;

beforeAll(() => {
  assertBuilt();
  sim = createSimHome();
  seedVm(sim.home, "vm");
});
afterAll(() => sim.cleanup());

describe("exit-code classes", () => {
  it("a missing VM is exit 2 without prefix everywhere except run (exit 1, Error: prefix)", async () => {
    const commands = [
      ["get", "ghost"],
      ["set", "ghost", "--cpu", "4"],
      ["ip", "ghost", "--wait", "60"],
      ["stop", "ghost"],
      ["delete", "ghost"],
      ["exec", "ghost", "true"],
    ];
    const results = await Promise.all(commands.map((c) => sim.tart(c)));
    for (const r of results) {
      expect(r).toMatchObject({ code: 2, stdout: "", stderr: 'the specified VM "ghost" does not exist\n' });
    }
    const run = await sim.tart(["run", "ghost"]);
    expect(run).toMatchObject({
      code: 1,
      stdout: "",
      stderr: 'Error: the specified VM "ghost" does not exist\n',
    });
  });

  it("a VM directory without its files is exit 1 (and delete needs config.json)", async () => {
    mkdirSync(path.join(sim.home, "vms", "half"), { recursive: true });
    writeFileSync(path.join(sim.home, "vms", "half", "config.json"), "{}");
    const [get, del] = await Promise.all([sim.tart(["get", "half"]), sim.tart(["delete", "ghost-dir"])]);
    expect(get).toMatchObject({
      code: 1,
      stderr: "VM is missing some of its files (config.json, disk.img or nvram.bin)\n",
    });
    expect(del.code).toBe(2);
    mkdirSync(path.join(sim.home, "vms", "nocfg"), { recursive: true });
    expect(await sim.tart(["delete", "nocfg"])).toMatchObject({
      code: 2,
      stderr: 'the specified VM "nocfg" does not exist\n',
    });
    expect(await sim.tart(["delete", "half"])).toMatchObject({ code: 0, stdout: "", stderr: "" });
  });

  it("rename problems are validation errors with the root usage (exit 64)", async () => {
    seedVm(sim.home, "other");
    const [missing, taken] = await Promise.all([
      sim.tart(["rename", "ghost", "x"]),
      sim.tart(["rename", "vm", "other"]),
    ]);
    const usage = "Usage: tart <subcommand>\n  See 'tart --help' for more information.\n";
    expect(missing).toMatchObject({
      code: 64,
      stderr: `Error: failed to rename a non-existent local VM: ghost\n${usage}`,
    });
    expect(taken).toMatchObject({
      code: 64,
      stderr: `Error: failed to rename VM vm, target VM other already exists, delete it first!\n${usage}`,
    });
  });

  it("delete of a running VM is exit 1, stop of a stopped VM exit 2, run of a running VM exit 2", async () => {
    seedVm(sim.home, "busy");
    const run = sim.start(["run", "busy", "--no-graphics"]);
    await waitRunning("busy");
    const [del, again] = await Promise.all([sim.tart(["delete", "busy"]), sim.tart(["run", "busy"])]);
    expect(del).toMatchObject({ code: 1, stdout: "", stderr: 'VM "busy" is running\n' });
    expect(again).toMatchObject({ code: 2, stdout: "", stderr: 'VM "busy" is already running!\n' });
    run.signal("SIGINT");
    expect((await run.result()).code).toBe(0);
    expect(await sim.tart(["stop", "busy"])).toMatchObject({ code: 2, stderr: 'VM "busy" is not running\n' });
  });

  it("delete stops at the first failure", async () => {
    seedVm(sim.home, "d1");
    seedVm(sim.home, "d3");
    const r = await sim.tart(["delete", "d1", "d2", "d3"]);
    expect(r).toMatchObject({ code: 2, stderr: 'the specified VM "d2" does not exist\n' });
    const list = await sim.tart(["list", "--source", "local", "-q"]);
    expect(list.stdout.split("\n")).not.toContain("d1");
    expect(list.stdout.split("\n")).toContain("d3");
  });
});

describe("streams", () => {
  it("data goes to stdout only: list/get JSON, list -q", async () => {
    const [list, get, quiet] = await Promise.all([
      sim.tart(["list", "--format", "json"]),
      sim.tart(["get", "vm", "--format", "json"]),
      sim.tart(["list", "-q", "--source", "local"]),
    ]);
    for (const r of [list, get, quiet]) expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(Array.isArray(JSON.parse(list.stdout))).toBe(true);
    expect(JSON.parse(get.stdout)).toHaveProperty("State", "stopped");
    expect(quiet.stdout.split("\n")).toContain("vm");
  });
});

async function waitRunning(name: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const r = await sim.tart(["get", name, "--format", "json"]);
    if ((JSON.parse(r.stdout) as { State: string }).State === "running") return;
  }
  throw new Error(`${name} never ran`);
}
