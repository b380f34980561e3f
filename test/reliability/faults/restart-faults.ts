/**
 * The executor killed (SIGKILL, or a power cut that also kills the VMs) at every phase of a VM's
 * life, then started again with the same config and state directory; and the graceful ways out
 * (SIGTERM drain, a second signal). The job must still be served — or, when its VM was busy, the
 * adopted VM torn down after the job — and nothing may be left behind.
 */
import { describe, expect } from "vitest";
import { killSimulatedVms } from "../../../src/sim/world/sim-world.js";
import { attempts, expectCleanEnd, expectServed, vmStory } from "../../helpers/rel-expect.js";
import { scenario, type Tally } from "../../helpers/rel-totals.js";
import { killGuestProcesses } from "../../helpers/kill-guest-processes.js";
import { sleep, waitFor } from "../../helpers/e2e-world.js";
import { type RelWorld } from "../../helpers/rel-world.js";

const SESSIONS = /^\/_sim\/runners\/\d+\/sessions$/;
const JOB_POLL = /^\/_sim\/runners\/\d+\/sessions\/[^/]+\/job$/;
const JOB_COMPLETE = /^\/_sim\/runners\/\d+\/jobs\/\d+\/complete$/;

/** SIGKILL, then start again with the same config and state; waits for the recovery line. */
async function killAndRestart(world: RelWorld, tally: Tally): Promise<Record<string, unknown>> {
  await world.executor.crash();
  tally.fault();
  const restarted = await world.restartExecutor();
  return restarted.waitForLog((line) => line.msg === "recovered state from the previous run", 20_000);
}

/** Registers the scenarios (run by faults.test.ts). */
export function describeRestartFaults(): void {
  describe.concurrent("executor killed and restarted", () => {
    scenario(
      "SIGKILL while cloning: job served after restart, the orphaned clone's VM swept",
      150_000,
      async (t) => {
        const world = await t.world({ sim: { delays: { cloneMs: 8_000 } } });
        await world.startExecutor({ timeouts: { sweep: 5 } });
        const job = world.queue();
        await world.waitForPhase("cloning");
        // The sim logs a clone when it ends; 1 s into an 8 s clone, it is running.
        await sleep(1_000);
        expect(world.commands().some((c) => c.argv[0] === "clone")).toBe(false);
        const restarted = Date.now();
        await killAndRestart(world, t);
        await expectServed(world, t, job, 60_000);
        // The orphaned `tart clone` outlives its executor and finishes after the restart's recovery
        // listed the VMs: its VM is removed by the periodic sweep (timeouts.sweep, 5 s here).
        await expectCleanEnd(world, t, 30_000);
        t.figure("orphaned clone's VM removed after restart ms", Date.now() - restarted);
      },
    );

    scenario("SIGKILL while booting: job served after restart, nothing leaks", 90_000, async (t) => {
      const world = await t.world({ sim: { delays: { bootMs: 3_000 } } });
      await world.startExecutor();
      const job = world.queue();
      await world.waitForPhase("booting");
      await waitFor(() => world.commands().some((c) => c.argv[0] === "run"), 10_000, "tart run to start");
      const recovery = await killAndRestart(world, t);
      t.figure(
        "recovery",
        `vmsDeleted=${String(recovery["vmsDeleted"])} runnersDeleted=${String(recovery["runnersDeleted"])}`,
      );
      expect(recovery["vmsDeleted"]).toBe(1);
      await expectServed(world, t, job, 60_000);
      await expectCleanEnd(world, t);
    });

    // The runner's own traffic goes through the proxy, which holds one of its requests so that the
    // VM stays in the phase where the executor is killed.
    const heldRunners = [
      {
        name: "SIGKILL while provisioning (runner not yet online): job served after restart",
        hold: SESSIONS, // it cannot open its session: it stays in provisioning
        phase: "provisioning",
        fakeGitHub: {},
      },
      {
        name: "SIGKILL while the runner is idle (online, no job yet): job served after restart",
        hold: JOB_POLL, // online, but its job poll never reaches GitHub: idle
        phase: "idle",
        fakeGitHub: { acquireTimeoutMs: 5_000 },
      },
    ] as const;
    for (const held of heldRunners)
      scenario(held.name, 90_000, async (t) => {
        const world = await t.world({ proxy: true, fakeGitHub: held.fakeGitHub });
        const proxy = world.proxy!;
        proxy.redirectRunners(proxy.url);
        proxy.hold(held.hold);
        await world.startExecutor();
        const job = world.queue();
        await world.waitForPhase(held.phase);
        await waitFor(() => proxy.held > 0, 20_000, "the runner's held request");
        const recovery = await killAndRestart(world, t);
        expect(recovery["vmsDeleted"]).toBe(1);
        expect(recovery["runnersDeleted"]).toBe(1);
        proxy.release();
        await expectServed(world, t, job, 60_000);
        await expectCleanEnd(world, t);
      });

    scenario(
      "SIGKILL while busy: VM adopted, job finishes, adopted VM torn down after it",
      120_000,
      async (t) => {
        const world = await t.world({ proxy: true });
        const proxy = world.proxy!;
        proxy.redirectRunners(proxy.url);
        // The job cannot end before the restarted executor has looked at it: its runner's
        // "complete" is held until the recovery is over (the runner keeps renewing meanwhile).
        proxy.hold(JOB_COMPLETE);
        // An adopted VM has no lifecycle task: it goes when the sweep sees its guest powered
        // off, or timeouts.afterJob after the job's completed delivery, whichever comes first.
        await world.startExecutor({ timeouts: { afterJob: 5, sweep: 5 } });
        const job = world.queue(undefined, { durationMs: 2_000 });
        const vm = await world.waitForPhase("busy");
        // Killed once the executor has also recorded GitHub's in_progress (which job the VM runs).
        await waitFor(
          () =>
            world.sim.github
              .deliveries()
              .some((d) => d.jobId === job.id && d.action === "in_progress" && d.statusCode === 202),
          20_000,
          "the in_progress delivery to be acknowledged",
        );
        const recovery = await killAndRestart(world, t);
        expect(recovery["adopted"]).toEqual([vm]);
        expect(job.view().status).toBe("in_progress");
        proxy.release();
        const view = await expectServed(world, t, job, 60_000);
        expect(view.runner?.name).toBe(vm);
        // Torn down after the job: VM and registration gone.
        const jobEnded = Date.now();
        await expectCleanEnd(world, t, 30_000);
        t.figure("adopted VM removed after job end ms", Date.now() - jobEnded);
        expect(attempts(world), vmStory(world)).toBe(1);
      },
    );

    scenario(
      "SIGKILL right after webhooks were acknowledged: every acknowledged job served",
      120_000,
      async (t) => {
        const world = await t.world();
        await world.startExecutor();
        const jobs = [world.queue(), world.queue(), world.queue(), world.queue()];
        await waitFor(
          () =>
            jobs.every((job) =>
              world.sim.github
                .deliveries()
                .some((d) => d.jobId === job.id && d.action === "queued" && d.statusCode === 202),
            ),
          20_000,
          "the four queued deliveries to be acknowledged",
        );
        await killAndRestart(world, t);
        // Acknowledged deliveries are not redelivered: only the ledger remembers these jobs.
        for (const job of jobs) await expectServed(world, t, job, 90_000);
        await expectCleanEnd(world, t);
      },
    );

    scenario(
      "power cut while two VMs boot (executor and VMs killed): both jobs served after restart",
      120_000,
      async (t) => {
        const world = await t.world({ sim: { delays: { bootMs: 3_000 } } });
        await world.startExecutor();
        const jobs = [world.queue(), world.queue()];
        await waitFor(
          () => world.commands().filter((c) => c.argv[0] === "run").length === 2,
          30_000,
          "two VMs to boot",
        );
        await world.executor.crash();
        // A power cut: the VMs die with everything their guests were running.
        // Two faults, whatever the number of VMs it caught: the executor killed, the power cut.
        expect(killSimulatedVms(world.sim.tartHome)).toBeGreaterThan(0);
        t.fault(2);
        await killGuestProcesses(world.sim.tartHome);
        const restarted = await world.restartExecutor();
        const recovery = await restarted.waitForLog(
          (line) => line.msg === "recovered state from the previous run",
          20_000,
        );
        expect(recovery["vmsDeleted"]).toBe(2);
        for (const job of jobs) await expectServed(world, t, job, 90_000);
        await expectCleanEnd(world, t);
      },
    );

    scenario(
      "SIGTERM while busy: no new work, the running job finishes, clean exit 0; queued job served after restart",
      120_000,
      async (t) => {
        const world = await t.world();
        await world.startExecutor({ timeouts: { drain: 30 } });
        const running = world.queue(undefined, { durationMs: 5_000 });
        await world.waitForPhase("busy");
        world.executor.signal("SIGTERM");
        t.fault();
        await world.executor.waitForLog((line) => line.msg === "shutting down", 5_000);
        // Queued during the drain: recorded, but no VM is started for it.
        const queuedDuringDrain = world.queue();
        await expectServed(world, t, running);
        const exit = await world.executor.exited;
        expect(exit.code).toBe(0);
        expect(attempts(world), vmStory(world)).toBe(1);
        expect((await world.cleanEnd(5_000)).vms).toEqual([]);
        await world.restartExecutor();
        await expectServed(world, t, queuedDuringDrain, 60_000);
        await expectCleanEnd(world, t);
      },
    );

    scenario("second SIGTERM during the drain: every VM torn down at once", 90_000, async (t) => {
      const world = await t.world({ fakeGitHub: { leaseMs: 3_000 } });
      await world.startExecutor({ timeouts: { drain: 600 } });
      const job = world.queue(undefined, { durationMs: 60_000 });
      t.job(job.id);
      await world.waitForPhase("busy");
      world.executor.signal("SIGTERM");
      await world.executor.waitForLog((line) => line.msg === "shutting down", 5_000);
      const second = Date.now();
      world.executor.signal("SIGTERM");
      t.fault(2);
      const exit = await world.executor.exited;
      t.figure("exit after second signal ms", Date.now() - second);
      expect(exit.code).toBe(0);
      expect(Date.now() - second).toBeLessThan(30_000);
      // The job lost its VM: GitHub fails it; nothing of ours is left.
      expect((await job.settled(20_000)).conclusion).toBe("failure");
      t.accounted(job.id);
      await expectCleanEnd(world, t);
    });
  });
}
