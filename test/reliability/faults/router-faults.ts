/**
 * tart-router in front of two executors on the simulated Mac (mini-1 priority 0, mini-2
 * priority 1, one VM slot each), all three as real processes: a host killed while it holds a job,
 * and the router itself killed and restarted while jobs are queued.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { stringify } from "yaml";
import { freePort } from "../../../src/sim/world/free-port.js";
import { expectCleanEnd, expectServed } from "../../helpers/rel-expect.js";
import { startExecutorProcess, type ExecutorProcess } from "../../helpers/executor-process.js";
import type { Tally } from "../../helpers/rel-totals.js";
import { scenario } from "../../helpers/rel-totals.js";
import { holdPort } from "../../helpers/hold-port.js";
import { waitFor } from "../../helpers/e2e-world.js";
import { type RelWorld } from "../../helpers/rel-world.js";

const TOKEN = "router-executor-token";

interface RoutedWorld {
  readonly world: RelWorld;
  readonly routerUrl: string;
  router(): ExecutorProcess;
  startRouter(): Promise<ExecutorProcess>;
}

/** A world whose GitHub App webhook points at a router, two executors behind it. */
async function routedWorld(t: Tally, sim: Parameters<Tally["world"]>[0] = {}): Promise<RoutedWorld> {
  const routerPort = await freePort();
  let portHold = await holdPort(routerPort);
  const routerUrl = `http://127.0.0.1:${routerPort}`;
  const world = await t.world({ ...sim, executors: 2, webhookUrl: `${routerUrl}/webhook` });
  const configPath = path.join(world.sim.root, "tart-router.yaml");
  writeFileSync(
    configPath,
    stringify({
      hostname: "router-1",
      labels: "tartelet",
      host: "127.0.0.1",
      port: routerPort,
      hosts: world.sim.executorPorts.map((port, index) => ({
        hostname: `mini-${index + 1}`,
        url: `http://127.0.0.1:${port}`,
        priority: index,
      })),
      webhookSecret: world.sim.webhookSecret,
      executorToken: TOKEN,
      // The executors' App, so that jobs queued while the router is down are recovered at its start.
      github: {
        appId: world.sim.github.appId,
        privateKey: world.sim.privateKeyPath,
        apiUrl: world.sim.github.apiUrl,
      },
      stateDirectory: path.join(world.sim.root, "router-state"),
      logging: { level: "debug" },
      statusIntervalSeconds: 0.25,
      forwardTimeoutSeconds: 2,
      hostBackoff: { initialSeconds: 0.25, maxSeconds: 1 },
    }),
  );
  let router: ExecutorProcess | undefined;
  const startRouter = async (): Promise<ExecutorProcess> => {
    await portHold?.release();
    portHold = null;
    router = await startExecutorProcess({
      configPath,
      env: { HOME: world.sim.root },
      daemon: "tart-router",
      startTimeoutMs: 30_000,
    });
    const started = router;
    t.defer(async () => {
      await started.crash();
    });
    return router;
  };
  await startRouter();
  for (const index of [0, 1])
    await world.startExecutor(
      { tart: { numberOfVirtualMachines: 1 }, webhook: { routerUrl, routerToken: TOKEN } },
      index,
    );
  return {
    world,
    routerUrl,
    router: () => {
      if (router === undefined) throw new Error("router not started");
      return router;
    },
    startRouter,
  };
}

/** Registers the scenarios (run by faults.test.ts). */
export function describeRouterFaults(): void {
  describe.concurrent("router", () => {
    scenario("baseline: a job through the router is served on the priority-0 host", 90_000, async (t) => {
      const { world } = await routedWorld(t);
      const job = world.queue();
      const view = await expectServed(world, t, job, 40_000, /^tart-executor-mini-1-/);
      expect(view.runner?.name).toMatch(/^tart-executor-mini-1-/);
      await expectCleanEnd(world, t);
    });

    scenario(
      "router host killed while its job's VM clones: job moved to the other host and served; the host comes back and cleans up",
      120_000,
      async (t) => {
        const { world } = await routedWorld(t, { sim: { delays: { cloneMs: 4_000 } } });
        const job = world.queue();
        // mini-1 (priority 0) took the job and is cloning its VM.
        await world.waitForPhase("cloning");
        await world.executorAt(0).crash();
        t.fault();
        const view = await expectServed(world, t, job, 60_000, /^tart-executor-mini-2-/);
        expect(view.runner?.name).toMatch(/^tart-executor-mini-2-/);
        // The host comes back: what it left behind goes, and it does not serve the moved job again.
        await world.restartExecutor(0);
        await expectCleanEnd(world, t, 40_000);
        const clonesByMini1AfterRestart = world
          .executorAt(0)
          .logs()
          .filter((line) => line.msg === "starting vm");
        t.figure("VMs mini-1 started for the moved job after coming back", clonesByMini1AfterRestart.length);
        // It may start one for the job it still has queued, but drops it as soon as the router
        // hands it the job's later events (completed): never serves it, never counts a failure.
        expect(clonesByMini1AfterRestart.length).toBeLessThanOrEqual(1);
        for (const started of clonesByMini1AfterRestart) {
          const teardown = world
            .executorAt(0)
            .logs()
            .find((line) => line.msg === "tearing down vm" && line["vm"] === started["vm"]);
          expect(String(teardown?.["reason"])).toMatch(/completed before its VM was busy/);
        }
        expect(
          world
            .executorAt(0)
            .logs()
            .filter((line) => line.msg === "vm failed" || line.msg === "giving up on job"),
        ).toEqual([]);
      },
    );

    scenario(
      "router killed (SIGKILL) and restarted: acknowledged jobs forwarded, jobs queued while it was down recovered",
      120_000,
      async (t) => {
        const { world, startRouter, router } = await routedWorld(t);
        // Acknowledged by the router just before it dies.
        const acknowledged = world.queue();
        await waitFor(
          () =>
            world.sim.github
              .deliveries()
              .some((d) => d.jobId === acknowledged.id && d.action === "queued" && d.statusCode === 202),
          20_000,
          "the router to acknowledge the job",
        );
        await router().crash();
        t.fault();
        // Queued while the router is down: GitHub records a failed delivery and does not retry.
        const whileDown = world.queue();
        await world.sim.github.dispatcher.deliveriesIdle();
        expect(
          world.sim.github.deliveries().find((d) => d.jobId === whileDown.id && d.action === "queued")
            ?.statusCode,
        ).toBeNull();
        t.fault();
        await startRouter();
        await expectServed(world, t, acknowledged, 40_000);
        await expectServed(world, t, whileDown, 40_000);
        await expectCleanEnd(world, t);
      },
    );
  });
}
