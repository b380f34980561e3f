/**
 * Deadlines that end a VM's life by themselves: a runner that is online but never handed its job
 * (timeouts.jobStart), and a job that runs past timeouts.jobMax. (Pull, boot and runner-online
 * deadlines are exercised by the tart and guest fault scenarios.)
 */
import { describe, expect } from "vitest";
import { expectCleanEnd, expectServed } from "../../helpers/rel-expect.js";
import { scenario } from "../../helpers/rel-totals.js";
import { waitFor } from "../../helpers/e2e-world.js";

const JOB_POLL = /^\/_sim\/runners\/\d+\/sessions\/[^/]+\/job$/;

export function describeDeadlines(): void {
  describe.concurrent("deadlines", () => {
    scenario(
      "runner online but never handed its job: torn down at timeouts.jobStart, retried, served",
      90_000,
      async (t) => {
        const world = await t.world({ proxy: true });
        const proxy = world.proxy!;
        proxy.redirectRunners(proxy.url);
        proxy.hold(JOB_POLL); // GitHub never answers the first runner's job poll
        await world.startExecutor({ timeouts: { jobStart: 4 } });
        const job = world.queue();
        const failure = await waitFor(
          () => world.allLogs().find((line) => line.msg === "vm failed"),
          40_000,
          "the idle VM to hit its deadline",
        );
        t.fault();
        expect(String(failure["reason"])).toMatch(/deadline: idle exceeded 4 s/);
        // Once that VM and its registration are gone, GitHub answers job polls again.
        await world.executor.waitForLog(
          (line) => line.msg === "vm deleted" && line["vm"] === failure["vm"],
          30_000,
          "the first VM's teardown",
        );
        proxy.release();
        await expectServed(world, t, job);
        await expectCleanEnd(world, t);
      },
    );

    scenario(
      "job runs past timeouts.jobMax: VM torn down at the deadline, registration removed",
      90_000,
      async (t) => {
        const world = await t.world({ fakeGitHub: { leaseMs: 3_000 } });
        await world.startExecutor({ timeouts: { jobMax: 4 } });
        const job = world.queue(undefined, { durationMs: 120_000 });
        t.job(job.id);
        await world.waitForPhase("busy");
        const busySince = Date.now();
        t.fault();
        const teardown = await waitFor(
          () => world.allLogs().find((line) => line.msg === "tearing down vm"),
          30_000,
          "the VM to be torn down",
        );
        expect(String(teardown["reason"])).toMatch(/deadline: busy exceeded 4 s/);
        t.figure("torn down after busy for ms", Date.now() - busySince);
        // The job lost its runner: GitHub fails it, where the user sees it.
        expect((await job.settled(30_000)).conclusion).toBe("failure");
        t.accounted(job.id);
        await expectCleanEnd(world, t);
      },
    );
  });
}
