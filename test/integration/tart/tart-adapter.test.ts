import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TartError } from "../../../src/tart/tart-error.js";
import { Tart } from "../../../src/tart/tart.js";
import {
  IMAGE_WITH_RUNNER,
  simTartExecutable,
  startSimWorld,
  type SimWorld,
} from "../../../src/sim/world/sim-world.js";

let world: SimWorld;
let tart: Tart;
const commands: Array<{ command: string; outcome: string }> = [];

beforeAll(async () => {
  if (!existsSync(path.join(path.dirname(simTartExecutable), "..", "dist", "sim", "tart", "main.js")))
    throw new Error("build first: npx tsc -p tsconfig.build.json (npm test does)");
  world = await startSimWorld();
  tart = new Tart({
    executable: simTartExecutable,
    env: { PATH: process.env["PATH"] ?? "", TART_HOME: world.tartHome, CI: "1" },
    onCommand: (event) => commands.push(event),
  });
});
afterAll(async () => world.close());

const invocations = (): Array<{ argv: string[]; env: Record<string, string> }> =>
  readFileSync(path.join(world.simDir, "invocations.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { argv: string[]; env: Record<string, string> });

describe("Tart adapter against the simulated tart", () => {
  it("reads tart's version", async () => {
    expect(await tart.version()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("clones, sizes and runs a VM, finds its address and stops it", async () => {
    await tart.clone(IMAGE_WITH_RUNNER, "adapter-vm", { insecure: false });
    await tart.set("adapter-vm", { cpu: 4, memoryMiB: 8192, randomMac: true });
    const run = tart.run("adapter-vm", {
      noGraphics: true,
      logFile: path.join(world.root, "adapter-vm.log"),
    });
    const ip = await tart.ip("adapter-vm", { waitSeconds: 20 });
    expect(ip).toMatch(/^127\.\d+\.\d+\.\d+$/);
    expect((await tart.listLocal()).find((vm) => vm.name === "adapter-vm")?.state).toBe("running");
    await tart.stop("adapter-vm", { timeoutSeconds: 5 });
    expect(await run.exited).toEqual({ exitCode: 0, signal: null });
    expect(readFileSync(path.join(world.root, "adapter-vm.log"), "utf8")).toContain("Stopping VM...");
    await tart.delete("adapter-vm");
    expect((await tart.listLocal()).map((vm) => vm.name)).not.toContain("adapter-vm");
    const clone = invocations().find((line) => line.argv[0] === "clone");
    expect(clone?.argv).toEqual(["clone", IMAGE_WITH_RUNNER, "adapter-vm"]);
    expect(clone?.env).toMatchObject({ CI: "1", TART_HOME: world.tartHome });
    expect(invocations().find((line) => line.argv[0] === "set")?.argv).toEqual([
      "set",
      "adapter-vm",
      "--cpu",
      "4",
      "--memory",
      "8192",
      "--random-mac",
    ]);
  });

  it("lists cached registry images after a clone pulled one", async () => {
    expect(await tart.listOci()).toContain(IMAGE_WITH_RUNNER);
  });

  it("reports tart's failures with the exit code and the first line of stderr", async () => {
    const error = await tart.delete("no-such-vm").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TartError);
    expect(error).toMatchObject({
      code: "TART_COMMAND_FAILED",
      exitCode: 2,
      firstLine: 'the specified VM "no-such-vm" does not exist',
    });
    expect((error as TartError).isMissingOrStopped).toBe(true);
    expect(commands).toContainEqual({
      command: "delete",
      outcome: "error",
      durationMs: expect.any(Number) as number,
    });
  });

  it("interrupts a command that outlives its timeout", async () => {
    world.updateSim({ faults: { pullHang: {} } });
    try {
      const error = await tart
        .pull("ghcr.io/cirruslabs/macos-sequoia-vanilla:latest", { insecure: false, timeoutMs: 500 })
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "TART_TIMEOUT", command: "pull" });
    } finally {
      world.updateSim({ faults: {} });
    }
  });

  it("stops a command when asked to", async () => {
    world.updateSim({ faults: { pullHang: {} } });
    try {
      const controller = new AbortController();
      const pending = tart.pull("ghcr.io/cirruslabs/macos-sequoia-vanilla:latest", {
        insecure: false,
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(), 200);
      await expect(pending).rejects.toMatchObject({ code: "TART_CANCELLED" });
    } finally {
      world.updateSim({ faults: {} });
    }
  });

  it("says so when the tart executable does not exist", async () => {
    const missing = new Tart({ executable: path.join(world.root, "no-tart-here"), env: {} });
    await expect(missing.version()).rejects.toMatchObject({ code: "TART_NOT_FOUND" });
  });
});

describe("Tart adapter, listing while a VM is deleted", () => {
  /** A tart stand-in whose first `failures` listings fail the way tart's own does in that race. */
  function racingTart(failures: number): { tart: Tart; calls: () => number } {
    const dir = mkdtempSync(path.join(tmpdir(), "tart-list-race-"));
    const counter = path.join(dir, "calls");
    const script = path.join(dir, "tart");
    writeFileSync(
      script,
      [
        "#!/bin/sh",
        `n=$(cat "${counter}" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "${counter}"`,
        `if [ "$n" -le ${failures} ]; then`,
        `  echo 'Error: The file “disk.img” couldn’t be opened because there is no such file.' >&2; exit 1`,
        "fi",
        `echo '[{"Source":"local","Name":"vm-a","Disk":50,"Size":20,"Accessed":"2026-11-22T08:00:00Z","Running":false,"State":"stopped"}]'`,
      ].join("\n"),
    );
    chmodSync(script, 0o755);
    return {
      tart: new Tart({ executable: script, env: { PATH: process.env["PATH"] ?? "" } }),
      calls: () => Number(readFileSync(counter, "utf8").trim()),
    };
  }

  it("asks again when the listing fails because a VM vanished under it", async () => {
    const { tart: racing, calls } = racingTart(2);
    expect((await racing.listLocal()).map((vm) => vm.name)).toEqual(["vm-a"]);
    expect(calls()).toBe(3);
  });

  it("gives up after three tries, with tart's words", async () => {
    const { tart: racing, calls } = racingTart(10);
    await expect(racing.listLocal()).rejects.toThrow(/no such file/);
    expect(calls()).toBe(3);
  });
});
