/**
 * Faults inside the VM: its SSH server refusing or rejecting the executor, SSH connections
 * dropped mid-job, the guest dying mid-job, and a runner that never comes online — against the
 * real executor process on the simulated world.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import {
  attempts,
  vmStory,
  expectCleanEnd,
  expectGivenUp,
  expectServed,
  jobKeyOf,
} from "../../helpers/rel-expect.js";
import { startBlackHole } from "../../helpers/e2e-github-proxy.js";
import { scenario } from "../../helpers/rel-totals.js";
import { waitFor } from "../../helpers/e2e-world.js";

/** Registers the scenarios (run by faults.test.ts). */
export function describeGuestFaults(): void {
  describe.concurrent("guest faults", () => {
    scenario("SSH refused (port closed): torn down at timeouts.boot, retried, served", 90_000, async (t) => {
      const world = await t.world({ sim: { faults: { sshRefuse: { times: 1 } } } });
      await world.startExecutor({ tart: { guestChannel: "ssh" }, timeouts: { boot: 6 } });
      const job = world.queue();
      await expectServed(world, t, job);
      t.fault(world.simFaultsFired()["sshRefuse"] ?? 0);
      expect(world.simFaultsFired()["sshRefuse"]).toBe(1);
      const failure = world.allLogs().find((line) => line.msg === "vm failed");
      expect(failure?.["job"]).toBe(jobKeyOf(job));
      t.figure("first VM failed with", String(failure?.["reason"]));
      expect(attempts(world), vmStory(world)).toBe(2);
      await expectCleanEnd(world, t);
    });

    scenario("SSH authentication failure: given up, cause names the authentication", 90_000, async (t) => {
      const world = await t.world({ sim: { faults: { sshAuthFail: {} } } });
      await world.startExecutor({ tart: { guestChannel: "ssh" }, timeouts: { boot: 6 } });
      const job = world.queue();
      const { failures } = await expectGivenUp(world, t, job, /refused our credentials|authenticat/i);
      t.fault(failures.length);
      t.figure("cause", String(failures[0]?.["reason"]));
      await expectCleanEnd(world, t);
    });

    scenario(
      "SSH connections dropped mid-job: the detached runner finishes the job, VM torn down",
      90_000,
      async (t) => {
        // Every SSH connection of the first VM drops 1.5 s after its command starts, the runner's
        // log follower included; the job itself runs 5 s.
        const world = await t.world({ sim: { faults: { sshDrop: { times: 1, afterMs: 1500 } } } });
        await world.startExecutor({ tart: { guestChannel: "ssh" } });
        const job = world.queue(undefined, { durationMs: 5_000 });
        await expectServed(world, t, job, 60_000);
        t.fault(world.simFaultsFired()["sshDrop"] ?? 0);
        expect(world.simFaultsFired()["sshDrop"]).toBe(1);
        // One VM normally; under heavy load its runner may miss timeouts.runnerOnline while every
        // connection drops, and a second VM is started: the job is still served once.
        t.figure("VM attempts", attempts(world));
        expect(attempts(world), vmStory(world)).toBeLessThanOrEqual(2);
        await expectCleanEnd(world, t);
      },
    );

    scenario("guest dies mid-job: VM and registration removed, the lost job reported", 90_000, async (t) => {
      // The fake GitHub fails a running job whose runner stops renewing for 3 s (GitHub: minutes).
      const world = await t.world({ fakeGitHub: { leaseMs: 3_000 } });
      await world.startExecutor();
      const job = world.queue(undefined, { durationMs: 30_000 });
      t.job(job.id);
      await waitFor(() => job.view().status === "in_progress", 40_000, "the job to run");
      const vm = job.view().runner?.name ?? "";
      // The guest powers off by itself (the power-off marker its `shutdown` stand-in writes).
      writeFileSync(path.join(world.sim.tartHome, "vms", vm, ".sim-poweroff"), "guest crashed (test)");
      t.fault();
      const view = await job.settled(30_000);
      // GitHub fails a job whose runner vanished; the executor cannot serve it again.
      expect(view.conclusion).toBe("failure");
      await expectCleanEnd(world, t);
      t.accounted(job.id); // failed at GitHub, where the user sees it: not lost
      // A user whose job failed with "runner lost" must find it in the executor's warnings: a
      // warn/error line about this VM that names the job it was running (its URL).
      const reported = world
        .allLogs()
        .filter((line) => line.level === "error" || line.level === "warn")
        .find((line) => line["vm"] === vm && JSON.stringify(line).includes(`/job/${job.id}`));
      t.figure("reported as", reported === undefined ? "(nothing)" : `${reported.level}: ${reported.msg}`);
      const story = world
        .allLogs()
        .filter((line) => line["vm"] === vm || line["job"] === jobKeyOf(job))
        .map((line) => `${String(line["time"])} ${line.level} ${line.msg} ${String(line["reason"] ?? "")}`);
      expect(
        reported,
        `a warn/error line says the VM died while running the job:\n${story.join("\n")}`,
      ).toBeDefined();
    });

    scenario(
      "runner never comes online: torn down at timeouts.runnerOnline, retried, given up",
      90_000,
      async (t) => {
        // The runner inside the VM cannot reach GitHub: its JIT config points at a black hole.
        const hole = await startBlackHole();
        t.defer(() => hole.close());
        const world = await t.world({ proxy: true });
        world.proxy?.redirectRunners(hole.url);
        await world.startExecutor({ timeouts: { runnerOnline: 3 } });
        const started = Date.now();
        const job = world.queue();
        const { failures } = await expectGivenUp(world, t, job, /did not come online within 3 s/);
        t.fault(world.proxy?.rewritten ?? 0);
        expect(failures.length).toBe(2);
        expect(hole.connections).toBeGreaterThan(0);
        t.figure("given up after ms", Date.now() - started);
        await expectCleanEnd(world, t);
      },
    );
  });
}
