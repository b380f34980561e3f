/** tart-cli.md §4.8: `tart stop` sends SIGINT and polls; after `--timeout` it SIGKILLs and returns. */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, createSimHome, seedVm, waitFor } from "./tart-harness.js";
import type { SimHome } from "./tart-harness.js";

let sim: SimHome;

beforeAll(assertBuilt);
afterEach(() => sim.cleanup());

async function state(name: string): Promise<string> {
  const r = await sim.tart(["get", name, "--format", "json"]);
  return (JSON.parse(r.stdout) as { State: string }).State;
}

describe("tart stop", () => {
  it("stops a running VM gracefully: the run prints Stopping VM... and exits 0", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm");
    const run = sim.start(["run", "vm", "--no-graphics"]);
    await waitFor(async () => (await state("vm")) === "running");
    expect(await sim.tart(["stop", "vm"])).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect(await state("vm")).toBe("stopped");
    const result = await run.result();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Stopping VM...\n");
  });

  it("escalates to SIGKILL after --timeout when the run ignores SIGINT", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm");
    const run = sim.start(["run", "vm", "--no-graphics"], { env: { TART_SIM_IGNORE_SIGINT: "1" } });
    await waitFor(async () => (await state("vm")) === "running");
    const started = Date.now();
    const stop = await sim.tart(["stop", "vm", "-t", "1"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(stop).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect((await run.result()).signal).toBe("SIGKILL");
    expect(await state("vm")).toBe("stopped");
  });

  it("a stopped VM is not running (exit 2)", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm");
    expect(await sim.tart(["stop", "vm", "--timeout=5"])).toMatchObject({
      code: 2,
      stdout: "",
      stderr: 'VM "vm" is not running\n',
    });
  });
});
