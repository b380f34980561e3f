/** tart-cli.md §4.11: injected failures, each with tart's own text, stream and exit code. */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, createSimHome, seedVm } from "./tart-harness.js";
import type { SimHome } from "./tart-harness.js";

const IMAGE = "ghcr.io/cirruslabs/macos-tahoe-base:latest";
const images = { [IMAGE]: {} };
let sim: SimHome;

beforeAll(assertBuilt);
afterEach(() => sim.cleanup());

describe("registry faults", () => {
  it("pullAuth: AuthFailed 401 (exit 1); it fires `times` times only", async () => {
    sim = createSimHome({ images, faults: { pullAuth: { times: 1 } } });
    const r = await sim.tart(["pull", IMAGE]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`pulling ${IMAGE}...\npulling manifest...\n`);
    expect(r.stderr).toBe(
      'Error: AuthFailed(why: "received unexpected HTTP status code 401 while retrieving an authentication token", ' +
        'details: "{\\"errors\\":[{\\"code\\":\\"UNAUTHORIZED\\",\\"message\\":\\"authentication required\\"}]}")\n',
    );
    expect((await sim.tart(["pull", IMAGE])).code).toBe(0);
  });

  it("an unknown image and pullNotFound: manifest 404 (exit 1)", async () => {
    sim = createSimHome({ images, faults: { pullNotFound: { match: "tahoe" } } });
    const expected =
      'Error: UnexpectedHTTPStatusCode(when: "pulling manifest", code: 404, ' +
      'details: "{\\"errors\\":[{\\"code\\":\\"MANIFEST_UNKNOWN\\",\\"message\\":\\"manifest unknown\\"}]}")\n';
    const [unknown, faulted] = await Promise.all([
      sim.tart(["pull", "ghcr.io/cirruslabs/nope:1"]),
      sim.tart(["clone", IMAGE, "vm"]),
    ]);
    expect(unknown).toMatchObject({ code: 1, stderr: expected });
    expect(faulted).toMatchObject({ code: 1, stderr: expected });
  });

  it("pullNetworkError: retries with tart's message, then succeeds", async () => {
    sim = createSimHome({ images, faults: { pullNetworkError: { failures: 2 } } });
    const r = await sim.tart(["pull", IMAGE]);
    expect(r.code).toBe(0);
    const retry = 'Error pulling image: "The network connection was lost.", attempting to re-try...';
    expect(r.stdout.split("\n").filter((l) => l === retry)).toHaveLength(2);
  });

  it("pullSlow: the download takes at least the extra time", async () => {
    sim = createSimHome({ images, faults: { pullSlow: { ms: 1200 } } });
    const started = Date.now();
    const r = await sim.tart(["pull", IMAGE]);
    expect(r.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1200);
    expect(r.stdout).toMatch(/^0%\n(\d+%\n)*100%\n/m);
  });

  it("cloneFail: disk full during the copy (exit 1); no VM appears", async () => {
    sim = createSimHome({ faults: { cloneFail: {} } });
    seedVm(sim.home, "source");
    const r = await sim.tart(["clone", "source", "copy"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^Error: “disk\.img” couldn’t be copied to “[0-9A-F-]{36}” because there isn’t enough space\.\n$/,
    );
    expect(existsSync(path.join(sim.home, "vms", "copy"))).toBe(false);
    await sim.tart(["list"]);
    expect(readdirSync(path.join(sim.home, "tmp"))).toEqual([]);
  });
});

describe("run faults", () => {
  it("runCrash: exits 1 shortly after start with the VZ error, no Error: prefix", async () => {
    sim = createSimHome({ faults: { runCrash: { match: "crashy" } } });
    seedVm(sim.home, "crashy");
    expect(await sim.start(["run", "crashy", "--no-graphics"]).result()).toMatchObject({
      code: 1,
      stdout: "",
      stderr:
        'Error Domain=VZErrorDomain Code=1 "The virtual machine failed to start." UserInfo={NSLocalizedFailure=Internal Virtualization error., NSLocalizedFailureReason=The virtual machine failed to start.}\n',
    });
  });

  it("auxStorageLock: exits 1 with Failed to lock auxiliary storage", async () => {
    sim = createSimHome({ faults: { auxStorageLock: {} } });
    seedVm(sim.home, "vm");
    const r = await sim.start(["run", "vm"]).result();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error Domain=VZErrorDomain Code=2 "Failed to lock auxiliary storage\." /);
  });

  it("softnet missing from PATH: InitializationFailed (exit 1)", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm");
    const r = await sim
      .start(["run", "vm", "--net-softnet"], { env: { PATH: path.dirname(process.execPath) } })
      .result();
    expect(r).toMatchObject({
      code: 1,
      stderr: 'Error: InitializationFailed(why: "softnet not found in PATH")\n',
    });
    expect(await sim.tart(["get", "vm", "--format", "json"])).toMatchObject({
      stdout: expect.stringContaining('"State" : "stopped"'),
    });
  });

  it("an unknown bridged interface is a validation error listing the available ones (exit 64)", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm");
    const r = await sim.start(["run", "vm", "--net-bridged", "list"]).result();
    expect(r.code).toBe(64);
    expect(r.stderr).toBe(
      'Error: no bridge interfaces matched "["list"]", available interfaces: ["en0 (or \\"Ethernet\\")", "en1 (or \\"Wi-Fi\\")"]\n' +
        "Usage: tart <subcommand>\n  See 'tart --help' for more information.\n",
    );
  });
});
