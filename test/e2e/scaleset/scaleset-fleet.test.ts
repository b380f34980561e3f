/**
 * A fleet without a router: three real executor processes, each with its own scale set and
 * identical labels, on one simulated Mac. Jobs spread by advertised capacity and each runs once;
 * an executor SIGKILLed with acquired, unstarted jobs loses none of them, and nothing leaks.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  startFakeActionsService,
  type FakeActionsService,
} from "../../../src/sim/actions-service/actions-service.js";
import type { SimJob } from "../../../src/sim/actions-service/job-assigner.js";
import {
  IMAGE_WITH_RUNNER,
  SIM_ORG,
  startE2eWorld,
  waitFor,
  type E2eWorld,
} from "../../helpers/e2e-world.js";
import {
  startExecutorProcess,
  stopAllExecutors,
  type ExecutorProcess,
} from "../../helpers/executor-process.js";

vi.setConfig({ testTimeout: 150_000, hookTimeout: 90_000 });

const SLOTS = [1, 2, 1] as const;
const LABELS = ["tartelet", IMAGE_WITH_RUNNER];
let world: E2eWorld | undefined;
let service: FakeActionsService | undefined;
const executors: Array<ExecutorProcess | undefined> = [];
const configs: string[] = [];

function w(): E2eWorld {
  if (world === undefined) throw new Error("no world");
  return world;
}
function s(): FakeActionsService {
  if (service === undefined) throw new Error("no service");
  return service;
}
const setOf = (job: SimJob): string =>
  s()
    .scaleSets()
    .find((x) => x.id === job.assignedTo)?.name ?? "?";
const enqueue = (durationMs: number): SimJob =>
  s().enqueueJob({ repo: `${SIM_ORG}/app`, labels: LABELS, durationMs });

async function start(index: number): Promise<void> {
  executors[index] = await startExecutorProcess({
    configPath: configs[index] ?? "",
    env: { HOME: w().root },
  });
}

async function withDiagnostics<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    console.error(w().diagnostics());
    console.error(
      JSON.stringify(
        s()
          .jobs()
          .map((j) => [j.runnerRequestId, j.state, j.assignments, j.runnerName]),
      ),
    );
    throw error;
  }
}

describe("three executors in scale-set mode, no router", () => {
  beforeAll(async () => {
    world = await startE2eWorld({ executors: 3, sim: { vmLimit: { max: 10 } } });
    service = await startFakeActionsService({
      github: world.github,
      pollWaitMs: 1000,
      offerTimeoutMs: 2000,
      runnerTimeoutMs: 20_000,
      sessionTimeoutMs: 4000,
    });
    await world.prePull(IMAGE_WITH_RUNNER);
    for (const [index, slots] of SLOTS.entries())
      configs[index] = world.writeExecutorConfig(index, {
        tart: { numberOfVirtualMachines: slots },
        // A job still queued here 30 s after its assignment went to another set (runnerTimeoutMs 20 s).
        timeouts: { jobStart: 30 },
        github: { jobSource: "scaleset", scaleSet: { name: `mini-${index + 1}-set`, labels: LABELS } },
      });
    await Promise.all(SLOTS.map((_, index) => start(index)));
    const current = service;
    await waitFor(
      () => current.scaleSets().length === 3 && current.scaleSets().every((x) => x.capacity > 0),
      30_000,
      "three polling scale sets",
    );
  }, 90_000);

  afterAll(async () => {
    for (const executor of executors) executor?.kill();
    await stopAllExecutors();
    await service?.close();
    await world?.close();
  });

  it("spreads jobs by advertised capacity; each runs once, on a VM of the host whose set acquired it", async () => {
    await withDiagnostics(async () => {
      const jobs = [enqueue(2500), enqueue(2500), enqueue(2500), enqueue(2500)];
      await waitFor(() => jobs.every((j) => j.state === "completed"), 60_000, "four completed jobs");
      for (const job of jobs) {
        expect(job.conclusion).toBe("Succeeded");
        expect(job.assignments).toHaveLength(1);
        // mini-N-set's job ran on one of mini-N's VMs.
        expect(job.runnerName).toMatch(new RegExp(`^tart-executor-${setOf(job).replace(/-set$/, "")}-`));
      }
      const perSet = (name: string) => jobs.filter((j) => setOf(j) === name).length;
      expect([perSet("mini-1-set"), perSet("mini-2-set"), perSet("mini-3-set")]).toEqual([...SLOTS]);
    });
  });

  it("serves the acquired, unstarted jobs of a SIGKILLed executor elsewhere or after its restart, and leaks nothing", async () => {
    await withDiagnostics(async () => {
      w().updateSim({ delays: { bootMs: 2500 } });
      const jobs = [enqueue(500), enqueue(500), enqueue(500), enqueue(500)];
      const onMini2 = await waitFor(
        () => {
          const mine = jobs.filter((j) => setOf(j) === "mini-2-set" && j.state === "assigned");
          return mine.length > 0 ? mine : undefined;
        },
        30_000,
        "a job acquired by mini-2 and not started",
      );
      executors[1]?.kill();
      await executors[1]?.exited;
      await waitFor(
        () => onMini2.every((j) => j.state === "running" || j.state === "completed"),
        60_000,
        "mini-2's jobs taken by a runner",
      );
      await start(1);
      await waitFor(() => jobs.every((j) => j.state === "completed"), 60_000, "every job completed");
      for (const job of jobs) expect(job.conclusion).toBe("Succeeded");
      for (const job of onMini2) expect(job.reassignments).toBeGreaterThanOrEqual(1);
      // Once the fleet is idle: no VM and no runner registration left anywhere.
      await waitFor(
        async () => (await w().localVms()).filter((vm) => vm.Name.startsWith("tart-executor-")).length === 0,
        60_000,
        "no VMs left",
      );
      await waitFor(() => s().runners().length === 0, 60_000, "no scale-set runners left");
      expect(w().github.runners()).toEqual([]);
      expect(s().internalErrors()).toEqual([]);
    });
  });
});
