/**
 * tart-cli.md §4.6: a `tart run` beyond the limit of concurrently running macOS VMs shows as
 * running for a moment, then exits 1 naming the other running VMs; `leaked` fails every run.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, createSimHome, seedVm, waitFor } from "./tart-harness.js";
import type { SimHome, TartProcess } from "./tart-harness.js";

let sim: SimHome;

beforeAll(assertBuilt);
afterEach(() => sim.cleanup());

async function running(): Promise<string[]> {
  const r = await sim.tart(["list", "--source", "local", "--format", "json"]);
  return (JSON.parse(r.stdout) as { Name: string; State: string }[])
    .filter((v) => v.State === "running")
    .map((v) => v.Name);
}

async function startAll(names: readonly string[]): Promise<TartProcess[]> {
  const runs = names.map((n) => sim.start(["run", n, "--no-graphics"]));
  await waitFor(
    async () => (await running()).length === names.length,
    15_000,
    () => `${names.join(",")} running`,
  );
  return runs;
}

describe("the 2-VM limit", () => {
  it("fails a third macOS VM after it briefly showed as running", async () => {
    sim = createSimHome();
    for (const n of ["a", "b", "c"]) seedVm(sim.home, n);
    const [a, b] = await startAll(["a", "b"]);
    const third = sim.start(["run", "c", "--no-graphics"]);
    const result = await third.result();
    // It held the VM (the stand-in for tart's config.json lock) before the start failed.
    const record = JSON.parse(readFileSync(path.join(sim.home, "vms", "c", ".sim-run.json"), "utf8")) as {
      pid: number;
    };
    expect(record.pid).toBe(third.pid);
    expect(result).toMatchObject({
      code: 1,
      stderr: "The number of VMs exceeds the system limit (other running VMs: a, b)\n",
    });
    expect(await running()).toEqual(["a", "b"]);
    a?.signal("SIGINT");
    b?.signal("SIGINT");
    await Promise.all([a?.result(), b?.result()]);
  });

  it("does not count Linux guests unless configured to", async () => {
    sim = createSimHome();
    seedVm(sim.home, "m1");
    seedVm(sim.home, "m2");
    seedVm(sim.home, "l1", { os: "linux" });
    const runs = await startAll(["m1", "m2", "l1"]);
    expect(await running()).toEqual(["l1", "m1", "m2"]);
    for (const r of runs) r.signal("SIGINT");
    await Promise.all(runs.map((r) => r.result()));

    sim.writeConfig({ vmLimit: { countLinux: true } });
    const counted = await startAll(["m1", "m2"]);
    const linux = await sim.start(["run", "l1", "--no-graphics"]).result();
    expect(linux).toMatchObject({
      code: 1,
      stderr: "The number of VMs exceeds the system limit (other running VMs: m1, m2)\n",
    });
    for (const r of counted) r.signal("SIGINT");
    await Promise.all(counted.map((r) => r.result()));
  });

  it("in leaked mode every run fails, even with no VM running", async () => {
    sim = createSimHome({ vmLimit: { leaked: true } });
    seedVm(sim.home, "vm");
    const result = await sim.start(["run", "vm", "--no-graphics"]).result();
    expect(result).toMatchObject({
      code: 1,
      stdout: "",
      stderr: "The number of VMs exceeds the system limit\n",
    });
  });
});
