/**
 * tart-cli.md §4.12: TART_HOME, TART_REGISTRY_* (with TART_REGISTRY_HOSTNAME scoping),
 * TART_NO_AUTO_PRUNE and CI are honoured, and every invocation is recorded for assertions.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { TART_BIN, assertBuilt, createSimHome, readJsonl, seedVm, waitFor } from "./tart-harness.js";
import type { SimHome } from "./tart-harness.js";

const PRIVATE = "registry.example.com/team/macos:15";
const PUBLIC = "ghcr.io/cirruslabs/macos-tahoe-base:latest";
let sim: SimHome;

beforeAll(assertBuilt);
afterEach(() => sim.cleanup());

describe("environment", () => {
  it("TART_HOME: state lives there; an uncreatable TART_HOME fails with tart's message", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm");
    expect((await sim.tart(["list", "-q"])).stdout).toBe("vm\n");
    writeFileSync(path.join(sim.home, "file"), "");
    const bad = path.join(sim.home, "file", "home");
    const r = await sim.tart(["list"], { env: { TART_HOME: bad, TART_SIM_DIR: sim.simDir } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^Failed to perform garbage collection: TART_HOME is invalid: ${bad} does not exist, yet we can't create it: .+\\nTART_HOME is invalid: ${bad} does not exist, yet we can't create it: .+\\n$`,
      ),
    );
  });

  it("registry credentials: required by a private image, scoped by TART_REGISTRY_HOSTNAME", async () => {
    sim = createSimHome({
      images: { [PRIVATE]: { auth: { username: "bot", password: "s3cret" } }, [PUBLIC]: {} },
    });
    const creds = { TART_REGISTRY_USERNAME: "bot", TART_REGISTRY_PASSWORD: "s3cret" };
    const [none, wrong, leaked, scoped] = await Promise.all([
      sim.tart(["pull", PRIVATE]),
      sim.tart(["pull", PRIVATE], { env: { ...creds, TART_REGISTRY_PASSWORD: "nope" } }),
      sim.tart(["pull", PUBLIC], { env: creds }),
      sim.tart(["pull", PUBLIC], { env: { ...creds, TART_REGISTRY_HOSTNAME: "registry.example.com" } }),
    ]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(
      "received unexpected HTTP status code 401 while retrieving an authentication token",
    );
    expect(wrong.code).toBe(1);
    // Credentials sent to a registry where they mean nothing: GHCR answers 403 (gitlab-tart-executor #28).
    expect(leaked.code).toBe(1);
    expect(leaked.stderr).toContain(
      "received unexpected HTTP status code 403 while retrieving an authentication token",
    );
    expect(scoped.code).toBe(0);
    expect((await sim.tart(["pull", PRIVATE], { env: creds })).code).toBe(0);
  });

  it("tart login stores credentials for later pulls; logout forgets them", async () => {
    sim = createSimHome({ images: { [PRIVATE]: { auth: { username: "bot", password: "s3cret" } } } });
    const both = await sim.tart(["login", "registry.example.com", "--username", "bot"]);
    expect(both.code).toBe(64);
    expect(both.stderr.split("\n")[0]).toBe("Error: both --username and --password-stdin are required");
    const bad = await sim.tart(["login", "registry.example.com", "--username", "bot", "--password-stdin"], {
      input: "x\n",
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^invalid credentials: /);
    const good = await sim.tart(["login", "registry.example.com", "--username", "bot", "--password-stdin"], {
      input: "s3cret\n",
    });
    expect(good).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect((await sim.tart(["pull", PRIVATE])).code).toBe(0);
    expect(await sim.tart(["logout", "registry.example.com"])).toMatchObject({
      code: 0,
      stdout: "",
      stderr: "",
    });
    expect((await sim.tart(["delete", PRIVATE])).code).toBe(0);
    expect((await sim.tart(["pull", PRIVATE])).code).toBe(1);
  });

  it("auto-prune evicts the least recently used cached image unless TART_NO_AUTO_PRUNE is set", async () => {
    const img = (n: number): string => `ghcr.io/acme/img${n}:latest`;
    sim = createSimHome({
      images: {
        [img(1)]: { diskGB: 50, compressedGB: 20 },
        [img(2)]: { diskGB: 50, compressedGB: 20 },
        [img(3)]: { diskGB: 50, compressedGB: 20 },
      },
      tartSim: { hostDiskGB: 80 },
    });
    expect((await sim.tart(["pull", img(1)])).code).toBe(0);
    expect((await sim.tart(["pull", img(2)])).code).toBe(0);
    // 40 of 80 GB used, 50 GB needed: tart would evict img1, the least recently used.
    expect((await sim.tart(["pull", img(3)], { env: { TART_NO_AUTO_PRUNE: "" } })).code).toBe(0);
    expect((await sim.tart(["list", "--source", "oci", "-q"])).stdout).toContain(img(1));
    expect((await sim.tart(["delete", img(3)])).code).toBe(0);
    expect((await sim.tart(["pull", img(3)])).code).toBe(0);
    const names = (await sim.tart(["list", "--source", "oci", "-q"])).stdout;
    expect(names).not.toContain(img(1));
    expect(names).toContain(img(2));
    expect(names).toContain(img(3));
  });

  it("CI switches progress from cursor-rewriting lines to plain lines", async () => {
    sim = createSimHome({ images: { [PUBLIC]: {} } });
    const interactive = await sim.tart(["pull", PUBLIC], { env: { CI: undefined } });
    expect(interactive.stdout).toContain("0%\n\u001b[1A\r\u001b[J100%\n");
    expect((await sim.tart(["delete", PUBLIC])).code).toBe(0);
    const plain = await sim.tart(["pull", PUBLIC]);
    expect(plain.stdout).toContain("0%\n100%\n");
  });

  it("records every invocation's argv, TART_*/CI env, times and exit code; run logs its start too", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm");
    await sim.tart(["get", "ghost"], { env: { TART_REGISTRY_HOSTNAME: "example.com", UNRELATED: "x" } });
    const run = sim.start(["run", "vm", "--no-graphics"]);
    const log = path.join(sim.simDir, "invocations.jsonl");
    await waitFor(() => readJsonl(log).length >= 2);
    const [get, runStart] = readJsonl(log);
    expect(get).toMatchObject({
      argv: ["get", "ghost"],
      env: { TART_HOME: sim.home, TART_REGISTRY_HOSTNAME: "example.com", CI: "1" },
      exitCode: 2,
    });
    expect(get?.["env"]).not.toHaveProperty("UNRELATED");
    expect(get?.["startedAt"]).toMatch(/Z$/);
    expect(get?.["endedAt"]).toMatch(/Z$/);
    expect(runStart).toMatchObject({
      argv: ["run", "vm", "--no-graphics"],
      exitCode: null,
      endedAt: null,
      pid: run.pid,
    });
    run.signal("SIGINT");
    await run.result();
    expect(readJsonl(log).at(-1)).toMatchObject({
      argv: ["run", "vm", "--no-graphics"],
      exitCode: 0,
      pid: run.pid,
    });
    expect(existsSync(log)).toBe(true);
  });

  it("sim-bin/tart works through a symlink placed on PATH", async () => {
    sim = createSimHome();
    const bin = path.join(sim.home, "bin");
    mkdirSync(bin);
    symlinkSync(TART_BIN, path.join(bin, "tart"));
    const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn("tart", ["--version"], {
        env: { ...sim.env, PATH: `${bin}:${process.env["PATH"] ?? ""}` },
      });
      let stdout = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.once("close", (code) => resolve({ code, stdout }));
    });
    expect(r).toEqual({ code: 0, stdout: "2.32.1\n" });
  });
});
