/**
 * End to end: three real tart-executor processes (mini-1..3) behind a real tart-router process,
 * all fed by the fake GitHub's dispatcher, on one simulated Mac (shared TART_HOME).
 * Scenarios share one world and fleet and run in order.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobHandle } from "../../../src/sim/github/dispatcher.js";
import type { JobView } from "../../../src/sim/github/job-view.js";
import { freePort } from "../../../src/sim/world/free-port.js";
import { killSimulatedVms } from "../../../src/sim/world/sim-world.js";
import {
  IMAGE_WITH_RUNNER,
  leftovers,
  maxConcurrentVms,
  REPO,
  sleep,
  startE2eWorld,
  vmLifetimes,
  waitFor,
  type E2eWorld,
  type TartCommand,
} from "../../helpers/e2e-world.js";
import {
  startExecutorProcess,
  stopAllExecutors,
  type ExecutorProcess,
} from "../../helpers/executor-process.js";
import { writeRouterConfig } from "./support/router-config.js";

const ROUTER_TOKEN = "fleet-router-token-0123456789";
const SLOTS = [1, 2, 1] as const; // mini-1, mini-2, mini-3
const TOTAL_SLOTS = SLOTS.reduce((a, b) => a + b, 0);

let world: E2eWorld | undefined;
let router: ExecutorProcess | undefined;
const executors: (ExecutorProcess | undefined)[] = [undefined, undefined, undefined];
const configPaths: string[] = [];

function w(): E2eWorld {
  if (world === undefined) throw new Error("no world");
  return world;
}

function enqueue(durationMs: number, delivery?: Parameters<E2eWorld["queue"]>[1]): JobHandle {
  return w().github.dispatcher.enqueueJob({
    repo: REPO,
    labels: ["tartelet", IMAGE_WITH_RUNNER],
    durationMs,
    ...delivery,
  });
}

/** `mini-N` from a job's runner name `tart-executor-mini-N-…`. */
function hostOf(view: JobView): string {
  const name = view.runner?.name ?? "";
  const match = /^tart-executor-(mini-\d+)-/.exec(name);
  if (match?.[1] === undefined) throw new Error(`job ${view.id} ran on unexpected runner "${name}"`);
  return match[1];
}

function settleAll(jobs: readonly JobHandle[], timeoutMs: number): Promise<JobView[]> {
  return Promise.all(jobs.map((job) => job.settled(timeoutMs)));
}

function clones(since: number): TartCommand[] {
  return w()
    .commands()
    .filter((c) => c.argv[0] === "clone" && c.startMs >= since);
}

/** No VM of the fleet exists and no runner is registered (bounded wait: deletes trail job ends). */
async function waitForNothingLeft(timeoutMs = 15_000): Promise<void> {
  await waitFor(
    async () => {
      const left = await leftovers(w());
      return left.vms.length === 0 && left.runners.length === 0;
    },
    timeoutMs,
    "no VM and no runner registration left",
  ).catch(async (error: unknown) => {
    throw new Error(`${String(error)}: ${JSON.stringify(await leftovers(w()))}`);
  });
}

async function startExecutor(index: number): Promise<ExecutorProcess> {
  const configPath = configPaths[index];
  if (configPath === undefined) throw new Error(`no config ${index}`);
  const executor = await startExecutorProcess({ configPath, env: { HOME: w().root } });
  executors[index] = executor;
  return executor;
}

function routerSaysUp(host: string, after: number): boolean {
  return (router?.logs() ?? []).some(
    (line, i) => i >= after && line.msg === "executor is up" && line["host"] === host,
  );
}

let routerUrl = "";

/** The executors' "starting vm" log lines for `keys` since `since` (epoch ms). */
function vmStarts(since: number, keys: ReadonlySet<string>) {
  return executors.flatMap((executor) =>
    (executor?.logs() ?? []).filter(
      (line) =>
        line.msg === "starting vm" && keys.has(String(line["job"])) && Date.parse(line.time ?? "") >= since,
    ),
  );
}

async function hostStatus(
  host: string,
): Promise<{ up: boolean; capacity: { freeSlots: number } | null } | undefined> {
  const response = await fetch(`${routerUrl}/status`, { signal: AbortSignal.timeout(2_000) });
  const status = (await response.json()) as {
    hosts: { hostname: string; up: boolean; capacity: { freeSlots: number } | null }[];
  };
  return status.hosts.find((entry) => entry.hostname === host && entry.up);
}

/**
 * Until the router's view of every host shows all its slots free. A VM's end reaches the router
 * through the executor's nudge and the status poll that follows, a moment after `tart list` shows it.
 */
async function waitForIdleFleet(timeoutMs = 10_000): Promise<void> {
  await waitFor(
    async () => {
      for (const [index, slots] of SLOTS.entries())
        if ((await hostStatus(`mini-${index + 1}`))?.capacity?.freeSlots !== slots) return false;
      return true;
    },
    timeoutMs,
    "the router to see every slot of the fleet free",
  );
}

function diagnostics(): string {
  const parts = executors.map(
    (e, i) => `--- mini-${i + 1} (pid ${e?.pid ?? "-"}):\n${(e?.stdoutLines ?? []).slice(-25).join("\n")}`,
  );
  parts.push(`--- router:\n${router?.tail(40) ?? ""}`);
  if (world !== undefined) parts.push(world.diagnostics().split("tart commands:")[1]?.slice(-4000) ?? "");
  return parts.join("\n");
}

async function withDiagnostics<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    console.error(diagnostics());
    throw error;
  }
}

describe("tart-router in front of three tart-executor processes", () => {
  beforeAll(async () => {
    const routerPort = await freePort();
    routerUrl = `http://127.0.0.1:${routerPort}`;
    world = await startE2eWorld({
      executors: 3,
      webhookUrl: `${routerUrl}/webhook`,
      sim: { vmLimit: { max: 10 } },
    });
    const current = world;
    await current.prePull(IMAGE_WITH_RUNNER);
    for (const [index, slots] of SLOTS.entries())
      configPaths[index] = current.writeExecutorConfig(index, {
        tart: { numberOfVirtualMachines: slots },
        webhook: { routerToken: ROUTER_TOKEN, routerUrl },
      });
    await Promise.all(SLOTS.map((_, index) => startExecutor(index)));
    const stateDirectory = path.join(current.root, "router-state");
    mkdirSync(stateDirectory, { recursive: true });
    const routerConfig = writeRouterConfig(path.join(current.root, "tart-router.yaml"), {
      port: routerPort,
      webhookSecret: current.webhookSecret,
      executorToken: ROUTER_TOKEN,
      stateDirectory,
      hosts: current.executorPorts.map((port, index) => ({
        hostname: `mini-${index + 1}`,
        url: `http://127.0.0.1:${port}`,
        priority: index,
      })),
    });
    router = await startExecutorProcess({
      configPath: routerConfig,
      env: { HOME: current.root },
      daemon: "tart-router",
      startTimeoutMs: 15_000,
    });
    await waitFor(
      () => ["mini-1", "mini-2", "mini-3"].every((host) => routerSaysUp(host, 0)),
      10_000,
      "the router to see all three executors up",
    );
  }, 45_000);

  afterAll(async () => {
    await router?.stop("SIGKILL");
    // Group kills: the executors and the tart commands they have in flight (a `tart delete` that
    // outlived its executor would recreate the world's TART_HOME after it is removed).
    for (const executor of executors) executor?.kill();
    await stopAllExecutors();
    await world?.close();
  }, 30_000);

  it("sends one job at a time to the first-priority host, mini-1", async () => {
    await withDiagnostics(async () => {
      for (let i = 0; i < 2; i += 1) {
        await waitForIdleFleet();
        const view = await enqueue(200).settled(15_000);
        expect(view.conclusion).toBe("success");
        expect(hostOf(view)).toBe("mini-1");
        await waitForNothingLeft();
      }
    });
  }, 40_000);

  it("spills jobs beyond mini-1's slot over to mini-2, then mini-3", async () => {
    await withDiagnostics(async () => {
      await waitForIdleFleet();
      const jobs = Array.from({ length: TOTAL_SLOTS }, () => enqueue(2_500));
      const views = await settleAll(jobs, 20_000);
      expect(
        views.filter((view) => view.conclusion !== "success").map((view) => JSON.stringify(view)),
      ).toEqual([]);
      const hosts = views.map(hostOf).sort();
      expect(hosts).toEqual(["mini-1", "mini-2", "mini-2", "mini-3"]);
      await waitForNothingLeft();
    });
  }, 40_000);

  it("queues more jobs than the fleet has slots and never runs more VMs than slots", async () => {
    await withDiagnostics(async () => {
      await waitForIdleFleet();
      const since = Date.now();
      const jobs = Array.from({ length: 2 * TOTAL_SLOTS + 1 }, () => enqueue(800));
      const views = await settleAll(jobs, 30_000);
      expect(
        views.filter((view) => view.conclusion !== "success").map((view) => JSON.stringify(view)),
      ).toEqual([]);
      await waitForNothingLeft();
      const lives = vmLifetimes(w().commands()).filter((life) => life.startMs >= since);
      // One VM per job, plus one more for each job whose first VM's runner took another job.
      const starts = vmStarts(since, new Set(jobs.map((job) => `${REPO}#${job.id}#1`)));
      const retries = starts.length - new Set(starts.map((line) => line["job"])).size;
      expect(lives.length).toBe(starts.length);
      expect(lives.length).toBeLessThanOrEqual(jobs.length + retries);
      expect(retries).toBeLessThanOrEqual(jobs.length);
      expect(maxConcurrentVms(lives)).toBeLessThanOrEqual(TOTAL_SLOTS);
      // Per host, never more than its slots at once.
      for (const [index, slots] of SLOTS.entries()) {
        const host = lives.filter((life) => life.name.startsWith(`tart-executor-mini-${index + 1}-`));
        expect(maxConcurrentVms(host)).toBeLessThanOrEqual(slots);
      }
    });
  }, 45_000);

  it("serves a SIGKILLed host's unstarted job elsewhere, and the host rejoins after a restart", async () => {
    await withDiagnostics(async () => {
      const mini1 = executors[0];
      if (mini1 === undefined) throw new Error("mini-1 is not running");
      await waitForIdleFleet();
      // Slow boots so that mini-1 dies while its VM is still booting (the runner has not started).
      w().updateSim({ delays: { bootMs: 60_000 } });
      const since = Date.now();
      const job = enqueue(300);
      await waitFor(
        () =>
          w()
            .commands()
            .some((c) => c.argv[0] === "run" && c.startMs >= since),
        10_000,
        "mini-1 to boot a VM for the job",
      );
      expect(clones(since).map((c) => c.argv[2] ?? "")).toEqual([
        expect.stringMatching(/^tart-executor-mini-1-/),
      ]);
      // The Mac dies: the daemon and its booting VM (the only VM in the shared TART_HOME now).
      mini1.kill();
      await mini1.exited;
      killSimulatedVms(w().tartHome);
      w().updateSim({ delays: { bootMs: 0 } });
      expect(job.view().status).toBe("queued");

      const view = await job.settled(20_000);
      expect(view.conclusion).toBe("success");
      expect(hostOf(view)).toBe("mini-2");

      // mini-1 comes back with the same config and state directory.
      const logMark = router?.logs().length ?? 0;
      await startExecutor(0);
      await waitFor(() => routerSaysUp("mini-1", logMark), 10_000, "the router to see mini-1 up again");
      // Restarted from its state directory, mini-1 first holds its old job's slot until that job's
      // `completed` event (queued for it at the router) reaches it; wait until it reports room.
      await waitFor(
        async () => (await hostStatus("mini-1"))?.capacity?.freeSlots === SLOTS[0],
        10_000,
        "the router to see a free slot on mini-1",
      );
      const later = await enqueue(200).settled(15_000);
      expect(later.conclusion).toBe("success");
      expect(hostOf(later)).toBe("mini-1");
      await waitForNothingLeft();
    });
  }, 60_000);

  it("runs every job exactly once despite duplicated and reordered deliveries", async () => {
    await withDiagnostics(async () => {
      await waitForIdleFleet();
      const since = Date.now();
      const dispatcher = w().github.dispatcher;
      const duplicated = Array.from({ length: 2 }, () =>
        enqueue(600, { delivery: { duplicate: "same-guid" } }),
      );
      dispatcher.holdNext(3);
      const reordered = Array.from({ length: 3 }, () => enqueue(600));
      await sleep(200);
      dispatcher.releaseHeld();
      const jobs = [...duplicated, ...reordered];
      const views = await settleAll(jobs, 30_000);
      for (const view of views) {
        expect(view.conclusion).toBe("success");
        expect(view.runner).not.toBeNull();
        // Exactly one run: it was assigned to one runner and started once.
        expect(view.timeline.filter((entry) => entry.event === "acquired")).toHaveLength(1);
      }
      await waitForNothingLeft();
      // Let any late duplicate forward do its worst, then look at who started what.
      await sleep(1_500);
      const keys = new Set(jobs.map((job) => `${REPO}#${job.id}#1`));
      // The router handed each job to exactly one executor, once.
      const dispatches = (router?.logs() ?? []).filter(
        (line) =>
          line.msg === "job handed to executor" &&
          line["kind"] === "dispatch" &&
          keys.has(String(line["job"])),
      );
      // (A job a runner of another job took first may complete before it is ever dispatched.)
      for (const key of keys)
        expect(
          dispatches.filter((line) => line["job"] === key).length,
          `dispatches of ${key}`,
        ).toBeLessThanOrEqual(1);
      // No job key had a VM started on two hosts.
      const starts = vmStarts(since, keys);
      for (const key of keys) {
        const hosts = new Set(starts.filter((line) => line["job"] === key).map((line) => line["hostname"]));
        expect(hosts.size, `hosts that started a VM for ${key}`).toBeLessThanOrEqual(1);
      }
      // A JIT runner takes whichever queued job GitHub gives it, so an executor whose job was run
      // by another host's runner starts one more VM for its own job (a retry); nothing beyond that.
      const retries = starts.length - new Set(starts.map((line) => line["job"])).size;
      expect(retries).toBeLessThanOrEqual(jobs.length);
      expect(clones(since).length).toBeLessThanOrEqual(jobs.length + retries);
      await waitForNothingLeft();
    });
  }, 50_000);
});
