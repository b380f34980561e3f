/**
 * Failures of the simulated Mac are cleaned up and retried: a crashing `tart run`, a clone that
 * always fails (the job is given up), a VM that never gets an IP, a guest that refuses our SSH
 * login. Every failed VM is deleted with its runner registration, and the failure log line
 * carries what tart (or the guest) said.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  clonedVms as clones,
  IMAGE_WITH_RUNNER,
  leftovers,
  sleep,
  startE2eWorld,
  useE2eWorld,
  waitForVmsDeleted as waitForDeleted,
  type E2eWorld,
} from "../../helpers/e2e-world.js";
import type { ExecutorProcess, LogLine } from "../../helpers/executor-process.js";

// Each test has its own simulated world; two at a time keep the suite short on a 2-core host.
// A loaded host stretches a VM's life, hence the generous per-test limit (every wait inside is bounded).
vi.setConfig({ maxConcurrency: 2, testTimeout: 90_000, hookTimeout: 90_000 });

const LABELS = ["tartelet", IMAGE_WITH_RUNNER];
const NOTHING_LEFT = { vms: [], runners: [] };

const failures = (executor: ExecutorProcess): LogLine[] =>
  executor.logs().filter((line) => line.msg === "vm failed");

describe.concurrent("failures are cleaned up and retried", () => {
  it("a tart run that crashes once: the VM is deleted with its registration and a fresh VM serves the job", async (context) => {
    const world = await useE2eWorld(context, { sim: { faults: { runCrash: { times: 1 } } } });
    const executor = await world.startExecutor({ retries: { maxAttempts: 3, backoffSeconds: 1 } });
    const job = world.queue(LABELS);
    const view = await job.settled(40_000);
    await waitForDeleted(executor, 2);

    expect(view.conclusion).toBe("success");
    const [crashed, fresh, ...more] = clones(world);
    expect(more).toEqual([]);
    expect(view.runner?.name).toBe(fresh);
    const [failure, ...otherFailures] = failures(executor);
    expect(otherFailures).toEqual([]);
    expect(failure?.["vm"]).toBe(crashed);
    // What tart run printed when it died.
    expect(String(failure?.["reason"])).toContain("VZErrorDomain");
    expect(String(failure?.["reason"])).toContain("The virtual machine failed to start.");
    expect(
      world.commands().some((c) => c.argv[0] === "delete" && c.argv[1] === crashed && c.exitCode === 0),
    ).toBe(true);
    // The crashed VM's runner was registered while it booted; its registration is gone.
    const deletedRunners = world.github
      .requests()
      .filter((r) => r.method === "DELETE" && /\/actions\/runners\/\d+$/.test(r.path) && r.status === 204);
    expect(deletedRunners.length).toBeGreaterThanOrEqual(1);
    // retries.backoffSeconds: the second VM came at least a second after the failure.
    const second = executor.logs().find((line) => line.msg === "starting vm" && line["vm"] === fresh);
    expect(
      Date.parse(String(second?.["time"])) - Date.parse(String(failure?.["time"])),
    ).toBeGreaterThanOrEqual(900);
    expect(await leftovers(world)).toEqual(NOTHING_LEFT);
  });

  it("a clone that always fails: after retries.maxAttempts the job is given up with an error naming its URL, nothing left", async (context) => {
    const world = await useE2eWorld(context, { sim: { faults: { cloneFail: {} } } });
    const executor = await world.startExecutor({ retries: { maxAttempts: 2, backoffSeconds: 0 } });
    const job = world.queue(LABELS);
    const givenUp = await executor.waitForLog((line) => line.msg === "giving up on job", 30_000);
    await waitForDeleted(executor, 2);

    expect(givenUp.level).toBe("error");
    expect(givenUp["url"]).toBe(`${world.github.url}/acme/app/actions/runs/${job.runId}/job/${job.id}`);
    expect(String(givenUp["reason"])).toMatch(/2 VM attempts failed/);
    // Each attempt retries a failed clone once (concurrent clones can race on the tag, tart-cli.md §3).
    expect(clones(world)).toHaveLength(4);
    const reasons = failures(executor).map((line) => String(line["reason"]));
    expect(reasons).toHaveLength(2);
    // The first line of tart clone's stderr.
    for (const reason of reasons)
      expect(reason).toMatch(/^tart clone exited 1: .*disk\.img.* there isn’t enough space\./);
    expect(await leftovers(world)).toEqual(NOTHING_LEFT);
    // No third attempt later on.
    await sleep(1500);
    expect(clones(world)).toHaveLength(4);
    world.github.dispatcher.cancelJob(job.id);
  });

  it("a VM that never gets an IP is torn down after timeouts.boot and the job is retried on a fresh VM", async (context) => {
    const world = await useE2eWorld(context, { sim: { faults: { noIp: { times: 1 } } } });
    const executor = await world.startExecutor({
      // The SSH channel is the one that needs an address (the agent channel never asks for one).
      tart: { guestChannel: "ssh" },
      timeouts: { boot: 5 },
      retries: { maxAttempts: 3, backoffSeconds: 0 },
    });
    const job = world.queue(LABELS);
    const view = await job.settled(60_000);
    await waitForDeleted(executor, clones(world).length);

    expect(view.conclusion).toBe("success");
    const [stuck, ...later] = clones(world);
    expect(later).toContain(view.runner?.name);
    const [failure] = failures(executor);
    expect(failure?.["vm"]).toBe(stuck);
    // It was given timeouts.boot to get an address.
    const begun = executor.logs().find((line) => line.msg === "starting vm" && line["vm"] === stuck);
    expect(
      Date.parse(String(failure?.["time"])) - Date.parse(String(begun?.["time"])),
    ).toBeGreaterThanOrEqual(5000);
    // tart ip's own words when it gave up.
    expect(String(failure?.["reason"])).toMatch(/^tart ip exited \d+: no IP address found/);
    const ip = world.commands().find((c) => c.argv[0] === "ip" && c.argv[1] === stuck);
    expect(ip?.exitCode).not.toBe(0);
    expect(await leftovers(world)).toEqual(NOTHING_LEFT);
  });

  describe("a guest that refuses the SSH login", () => {
    it("removes the VM and its runner registration and gives the job up", async () => {
      const { world, failure } = await sshScenario();
      expect(String(failure["reason"])).toMatch(/refused our credentials/);
      expect(clones(world)).toHaveLength(1);
      expect(await leftovers(world)).toEqual(NOTHING_LEFT);
    });

    it("names the SSH step in the failure log line", async () => {
      const scenario = await sshScenario();
      expect(String(scenario.failure["reason"])).toMatch(/\bssh\b/i);
    });
  });
});

/** One run of the SSH-refused scenario, shared by the tests that look at it. */
let sshRun: Promise<{ world: E2eWorld; executor: ExecutorProcess; failure: LogLine }> | undefined;
function sshScenario(): Promise<{ world: E2eWorld; executor: ExecutorProcess; failure: LogLine }> {
  sshRun ??= (async () => {
    const world = await startE2eWorld({ sim: { faults: { sshAuthFail: {} } } });
    const executor = await world.startExecutor({
      tart: { guestChannel: "ssh" },
      timeouts: { boot: 10 },
      retries: { maxAttempts: 1, backoffSeconds: 0 },
    });
    const job = world.queue(LABELS);
    const failure = await executor.waitForLog((line) => line.msg === "vm failed", 30_000);
    await executor.waitForLog((line) => line.msg === "giving up on job", 10_000);
    await waitForDeleted(executor, 1);
    world.github.dispatcher.cancelJob(job.id);
    return { world, executor, failure };
  })();
  return sshRun;
}

afterAll(async () => {
  const run = await sshRun?.catch(() => undefined);
  await run?.world.close();
});
