/**
 * Faults of the simulated `tart` (sim-config.ts), one scenario each, against the real executor
 * process: the job is served on a later attempt when the fault passes, or cleanly given up when
 * it does not — and no VM and no runner registration is left either way.
 */
import { describe, expect } from "vitest";
import { attempts, vmStory, expectCleanEnd, expectGivenUp, expectServed } from "../../helpers/rel-expect.js";
import { scenario } from "../../helpers/rel-totals.js";
import { IMAGE_WITH_RUNNER, sleep, waitFor } from "../../helpers/e2e-world.js";

/** Registers the scenarios (run by faults.test.ts). */
export function describeTartFaults(): void {
  describe.concurrent("tart faults", () => {
    scenario(
      "pull auth failure (registry refuses credentials): given up, cause AuthFailed",
      90_000,
      async (t) => {
        const world = await t.world({ sim: { faults: { pullAuth: {} } } });
        await world.startExecutor();
        const job = world.queue();
        const { line } = await expectGivenUp(world, t, job, /AuthFailed.*401/);
        t.fault(attempts(world));
        expect(attempts(world), vmStory(world)).toBe(2); // retries.maxAttempts
        t.figure("attempts", attempts(world));
        t.figure("reason", String(line["reason"]));
        await expectCleanEnd(world, t);
      },
    );

    scenario("manifest 404: given up, cause names the missing manifest", 90_000, async (t) => {
      const world = await t.world({ sim: { faults: { pullNotFound: {} } } });
      await world.startExecutor();
      const job = world.queue();
      await expectGivenUp(world, t, job, /manifest unknown|not found|NotFound/i);
      t.fault(attempts(world));
      expect(attempts(world), vmStory(world)).toBe(2);
      await expectCleanEnd(world, t);
    });

    scenario("hanging pull: killed at timeouts.pull, retried, served", 90_000, async (t) => {
      const world = await t.world({ sim: { faults: { pullHang: { times: 1 } } } });
      await world.startExecutor({ tart: { pullPolicy: "always" }, timeouts: { pull: 4 } });
      const started = Date.now();
      const job = world.queue();
      await expectServed(world, t, job);
      t.fault(world.simFaultsFired()["pullHang"] ?? 0);
      expect(world.simFaultsFired()["pullHang"]).toBe(1);
      expect(world.commands().filter((command) => command.argv[0] === "pull").length).toBe(2);
      // The first VM's pull (its first step) hung and was ended at timeouts.pull.
      const logs = world.allLogs();
      const first = logs.find((line) => line.msg === "starting vm");
      const failed = logs.find((line) => line.msg === "vm failed" && line["vm"] === first?.["vm"]);
      expect(String(failed?.["reason"])).toMatch(/tart pull timed out/);
      const hungForMs = Date.parse(String(failed?.time)) - Date.parse(String(first?.time));
      t.figure("hung pull ended after ms", hungForMs);
      t.figure("served after ms", Date.now() - started);
      expect(hungForMs).toBeGreaterThanOrEqual(3_900);
      expect(hungForMs).toBeLessThan(4_000 + 12_000); // timeout + execa's forceKillAfterDelay
      await expectCleanEnd(world, t);
    });

    scenario("clone failure (disk full): retried, served", 90_000, async (t) => {
      const world = await t.world({ sim: { faults: { cloneFail: { times: 1 } } } });
      await world.startExecutor();
      const job = world.queue();
      await expectServed(world, t, job);
      t.fault(world.simFaultsFired()["cloneFail"] ?? 0);
      expect(world.simFaultsFired()["cloneFail"]).toBe(1);
      // Retried (tart-cli.md §3: a clone may fail once on a concurrent tag relink), served.
      expect(world.commands().filter((command) => command.argv[0] === "clone").length).toBe(2);
      t.figure("VM attempts", attempts(world));
      await expectCleanEnd(world, t);
    });

    scenario("tart run crashes at start (VZErrorDomain): retried, served", 90_000, async (t) => {
      const world = await t.world({ sim: { faults: { runCrash: { times: 1 } } } });
      await world.startExecutor();
      const job = world.queue();
      await expectServed(world, t, job);
      t.fault(world.simFaultsFired()["runCrash"] ?? 0);
      expect(world.simFaultsFired()["runCrash"]).toBe(1);
      const failure = world.allLogs().find((line) => line.msg === "vm failed");
      expect(String(failure?.["reason"])).toMatch(/VZErrorDomain|tart run exited/);
      await expectCleanEnd(world, t);
    });

    scenario("no IP (DHCP never answers): torn down at timeouts.boot, retried, served", 90_000, async (t) => {
      const world = await t.world({ sim: { faults: { noIp: { times: 1 } } } });
      // The SSH channel needs the address; the agent channel never asks for one.
      await world.startExecutor({ tart: { guestChannel: "ssh" }, timeouts: { boot: 6 } });
      const job = world.queue();
      await expectServed(world, t, job);
      t.fault(world.simFaultsFired()["noIp"] ?? 0);
      expect(world.simFaultsFired()["noIp"]).toBe(1);
      const failure = world.allLogs().find((line) => line.msg === "vm failed");
      t.figure("first VM failed with", String(failure?.["reason"]));
      expect(failure).toBeDefined();
      await expectCleanEnd(world, t);
    });

    scenario(
      "2-VM limit taken by VMs of someone else: first attempt fails, served once a slot frees",
      90_000,
      async (t) => {
        const world = await t.world();
        // Two VMs that are not ours, running (a user's own VMs on the same Mac).
        for (const name of ["someone-else-1", "someone-else-2"]) {
          expect((await world.tart(["clone", IMAGE_WITH_RUNNER, name])).code).toBe(0);
          world.tartRunDetached(name);
        }
        await waitFor(
          async () => {
            const listed = await world.tart(["list", "--source", "local", "--format", "json"]);
            const vms = JSON.parse(listed.stdout) as Array<{ Name: string; State: string }>;
            return vms.filter((vm) => vm.State === "running").length === 2;
          },
          15_000,
          "the two foreign VMs to run",
        );
        await sleep(500); // let both take their slot
        await world.startExecutor({ retries: { backoffSeconds: 3 } });
        const job = world.queue();
        t.fault(1);
        const failure = await waitFor(
          () => world.allLogs().find((line) => line.msg === "vm failed"),
          30_000,
          "the first attempt to fail",
        );
        expect(String(failure["reason"])).toMatch(/exceeds the system limit/);
        // The user stops one of theirs; the retry (after the 3 s backoff) gets the slot.
        expect((await world.tart(["stop", "someone-else-2"])).code).toBe(0);
        await expectServed(world, t, job);
        // The executor never touched VMs that are not its own.
        expect(await world.vmNames()).toEqual(expect.arrayContaining(["someone-else-1", "someone-else-2"]));
        expect(
          world.commands().some((command) => command.argv.some((arg) => arg.startsWith("someone-else"))),
        ).toBe(false);
        await world.tart(["stop", "someone-else-1"]);
        for (const name of ["someone-else-1", "someone-else-2"]) await world.tart(["delete", name]);
        await expectCleanEnd(world, t);
      },
    );

    scenario(
      "leaked VM limit (tart #1217, fails with 0 VMs running): given up, reported as a leaked limit",
      90_000,
      async (t) => {
        const world = await t.world({ sim: { vmLimit: { leaked: true } } });
        await world.startExecutor();
        const job = world.queue();
        const { line, failures } = await expectGivenUp(world, t, job, /exceeds the system limit/);
        t.fault(failures.length);
        await expectCleanEnd(world, t);
        // "Reported clearly": with no VM running at all, the limit has leaked and only a reboot of
        // the Mac clears it. An operator reading the give-up (or any error/warn line) must learn that.
        const explained = world
          .allLogs()
          .filter((entry) => entry.level === "error" || entry.level === "warn" || entry.level === "fatal")
          .some((entry) => /leak|reboot|restart the mac|1217/i.test(JSON.stringify(entry)));
        t.figure("give-up reason", String(line["reason"]));
        expect(explained, "a log line says the VM limit leaked and the Mac needs a reboot").toBe(true);
      },
    );
  });
}
