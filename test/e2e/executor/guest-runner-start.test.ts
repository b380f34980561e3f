/**
 * Starting the runner in the guest, on the real executor process and the simulated Mac: the start
 * does not depend on nohup (macOS's can fail with "can't detach from console"), and a runner that
 * dies at its start fails the attempt within seconds, with the reason and its log's last lines,
 * instead of after the whole timeouts.runnerOnline.
 */
import { describe, expect, it, vi } from "vitest";
import { IMAGE_WITH_RUNNER, leftovers, useE2eWorld, waitForVmsDeleted } from "../../helpers/e2e-world.js";

vi.setConfig({ maxConcurrency: 2, testTimeout: 150_000, hookTimeout: 90_000 });

const NOTHING_LEFT = { vms: [], runners: [] };

describe.concurrent("starting the runner", () => {
  for (const channel of ["agent", "ssh"] as const)
    it(`is not hurt by macOS nohup failing to detach from the console (${channel} channel)`, async (context) => {
      const world = await useE2eWorld(context, { sim: { faults: { nohupNoConsole: {} } } });
      const executor = await world.startExecutor({ tart: { guestChannel: channel } });
      const view = await world.queue(["tartelet", IMAGE_WITH_RUNNER]).settled(90_000);
      expect(view.conclusion).toBe("success");
      await waitForVmsDeleted(executor, 1);
      expect(executor.logs().filter((line) => line.msg === "vm failed")).toEqual([]);
      expect(await leftovers(world)).toEqual(NOTHING_LEFT);
    });

  it("fails the attempt within seconds with the runner's last log lines when it dies at its start", async (context) => {
    const world = await useE2eWorld(context);
    // A runner.environment mistake that stops the runner at once: its home does not exist.
    const executor = await world.startExecutor({
      runner: { labels: "tartelet", environment: { HOME: "/nonexistent-runner-home" } },
      timeouts: { runnerOnline: 120 },
      retries: { maxAttempts: 1, backoffSeconds: 0 },
    });
    const job = world.queue(["tartelet", IMAGE_WITH_RUNNER]);
    const provisioning = await executor.waitForLog(
      (line) => line.msg === "guest channel chosen" || line.msg === "copied the cached runner into the guest",
      90_000,
    );
    const failure = await executor.waitForLog((line) => line.msg === "vm failed", 90_000);
    expect(String(failure["reason"])).toMatch(
      /^the runner did not start: it exited at once; last lines of its log: .*\/nonexistent-runner-home\/actions-runner/,
    );
    // Not after timeouts.runnerOnline (120 s): the start's own one-second check caught it.
    expect(Date.parse(String(failure["time"])) - Date.parse(String(provisioning["time"]))).toBeLessThan(
      60_000,
    );
    await executor.waitForLog((line) => line.msg === "giving up on job", 30_000);
    await waitForVmsDeleted(executor, 1);
    world.github.dispatcher.cancelJob(job.id);
    expect(await leftovers(world)).toEqual(NOTHING_LEFT);
  });
});
