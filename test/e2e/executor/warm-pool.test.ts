/**
 * The warm pool end to end, on the real daemon with the simulated Mac and fake GitHub: a job
 * matching the pool runs on the warm VM that was waiting for it (and the pool is refilled); a job
 * the pool cannot serve makes the warm VM go when no slot is free; a warm runner that GitHub gives
 * a job before its queued webhook arrives starts no extra VM; and after a restart the idle warm VM
 * is adopted, not deleted, and serves the next job.
 */
import { describe, expect, it, vi } from "vitest";
import {
  clonedVms,
  IMAGE_WITH_RUNNER,
  maxConcurrentVms,
  REPO,
  sleep,
  useE2eWorld,
  vmLifetimes,
  waitFor,
  type E2eWorld,
} from "../../helpers/e2e-world.js";
import type { ExecutorProcess } from "../../helpers/executor-process.js";

// One world at a time: each boots VMs with real SSH, and a loaded 2-core host stretches them.
vi.setConfig({ maxConcurrency: 1, testTimeout: 120_000, hookTimeout: 120_000 });

const LABELS = ["tartelet", IMAGE_WITH_RUNNER];
const WARM = { pools: [{ image: IMAGE_WITH_RUNNER, count: 1 }] };
const keyOf = (jobId: number): string => `${REPO}#${jobId}#1`.toLowerCase();

/** VM name → what it was started for (a job key, or the pool's `warm:` key). */
function startedFor(executor: ExecutorProcess): Map<string, string> {
  return new Map(
    executor
      .logs()
      .filter((line) => line.msg === "starting vm")
      .map((line) => [String(line["vm"]), String(line["job"])]),
  );
}

function warmVms(executor: ExecutorProcess): string[] {
  return [...startedFor(executor)].filter(([, forJob]) => forJob.startsWith("warm:")).map(([vm]) => vm);
}

/** Waits until `n` warm VMs have a runner online and idle at GitHub; returns the newest. */
async function warmOnline(world: E2eWorld, executor: ExecutorProcess, n: number): Promise<string> {
  return waitFor(
    () => {
      const online = warmVms(executor).filter((vm) =>
        world.github.runners().some((r) => r.name === vm && r.status === "online" && !r.busy),
      );
      return online.length >= n ? online.at(-1) : undefined;
    },
    60_000,
    `${n} warm runner(s) online and idle`,
  );
}

describe.concurrent("warm pool", () => {
  it("a matching job runs on the waiting warm VM, and the pool is refilled", async (context) => {
    const world = await useE2eWorld(context);
    const executor = await world.startExecutor({ warmPool: WARM });
    const warm = await warmOnline(world, executor, 1);

    const job = world.queue(LABELS);
    const view = await job.settled(60_000);
    expect(view.conclusion).toBe("success");
    expect(view.runner?.name).toBe(warm);
    // No VM was started for the job itself: the warm hit left no cold VM behind.
    expect([...startedFor(executor).values()]).not.toContain(keyOf(job.id));
    // The taken warm VM is replaced by a fresh one.
    const replacement = await warmOnline(world, executor, 1);
    expect(replacement).not.toBe(warm);
  });

  it("a job the pool cannot serve evicts the idle warm VM when no slot is free", async (context) => {
    const world = await useE2eWorld(context);
    const executor = await world.startExecutor({ tart: { numberOfVirtualMachines: 1 }, warmPool: WARM });
    const warm = await warmOnline(world, executor, 1);

    // cpu:6 is not among the warm runner's labels, so only a VM of its own can serve it.
    const job = world.queue([...LABELS, "cpu:6"]);
    const view = await job.settled(60_000);
    expect(view.conclusion).toBe("success");
    expect(view.runner?.name).not.toBe(warm);
    expect(startedFor(executor).get(view.runner?.name ?? "")).toBe(keyOf(job.id));
    const evicted = executor.logs().find((line) => line.msg === "tearing down vm" && line["vm"] === warm);
    expect(String(evicted?.["reason"])).toContain(`evicted, job ${keyOf(job.id)} needs its slot`);
    // One slot: never two VMs at once. Then the pool is refilled.
    await warmOnline(world, executor, 1);
    expect(maxConcurrentVms(vmLifetimes(world.commands()))).toBe(1);
  });

  it("a warm runner given a job before its queued webhook arrives starts no extra VM", async (context) => {
    const world = await useE2eWorld(context);
    const executor = await world.startExecutor({ warmPool: WARM });
    const warm = await warmOnline(world, executor, 1);

    const job = world.queue(LABELS, { durationMs: 3_000, delivery: { delayMs: 2_000 } });
    const view = await job.settled(60_000);
    expect(view.runner?.name).toBe(warm);
    // The queued delivery arrived while the warm runner was already running the job.
    const queued = world.github.deliveries().find((d) => d.jobId === job.id && d.action === "queued");
    expect(queued?.statusCode).toBe(202);
    await warmOnline(world, executor, 1);
    expect([...startedFor(executor).values()]).not.toContain(keyOf(job.id));
    // Only warm VMs were ever cloned: the first, and its replacement (perhaps a third by now).
    expect(clonedVms(world).every((vm) => warmVms(executor).includes(vm))).toBe(true);
  });

  it("after a restart, the idle warm VM is adopted, not deleted, and serves the next job", async (context) => {
    const world = await useE2eWorld(context);
    const first = await world.startExecutor({ warmPool: WARM });
    const warm = await warmOnline(world, first, 1);
    // Killed once the executor has also seen the runner online (and journalled the VM as idle).
    await first.waitForLog((line) => line.msg === "runner online" && line["vm"] === warm);
    await sleep(500);
    first.kill();
    await first.exited;

    // Recovery asks GitHub and tart before listening, which a loaded host stretches.
    const second = await world.startExecutor({ warmPool: WARM }, { startTimeoutMs: 60_000 });
    const recovery = await second.waitForLog((line) => line.msg === "recovered state from the previous run");
    expect(recovery["adopted"], JSON.stringify(recovery)).toEqual([warm]);
    expect(recovery["vmsDeleted"]).toBe(0);
    expect((await world.localVms()).map((vm) => vm.Name)).toContain(warm);

    const job = world.queue(LABELS);
    const view = await job.settled(60_000);
    expect(view.runner?.name).toBe(warm);
    expect([...startedFor(second).values()]).not.toContain(keyOf(job.id));
  });
});
