/**
 * Scheduling end to end: slots and arrival order, duplicate and reordered deliveries, jobs
 * cancelled while their VM boots (the VM is released, or handed to the next waiting job), idle
 * runners torn down after timeouts.idle, and GitHub giving a job to the VM booted for another.
 */
import { describe, expect, it, vi } from "vitest";
import {
  clonedVms as clones,
  IMAGE_WITH_RUNNER,
  leftovers,
  maxConcurrentVms,
  REPO,
  sendSigned,
  sleep,
  useE2eWorld,
  vmLifetimes,
  waitFor,
  waitForVmsDeleted as waitForDeleted,
} from "../../helpers/e2e-world.js";
import type { ExecutorProcess } from "../../helpers/executor-process.js";
import { workflowJobPayload } from "../../helpers/workflow-job-payload.js";

// Each test has its own simulated world; two at a time keep the suite short on a 2-core host.
// A loaded host stretches a VM's life, hence the generous per-test limit (every wait inside is bounded).
vi.setConfig({ maxConcurrency: 2, testTimeout: 90_000, hookTimeout: 90_000 });

const LABELS = ["tartelet", IMAGE_WITH_RUNNER];
const NOTHING_LEFT = { vms: [], runners: [] };

const keyOf = (jobId: number): string => `${REPO}#${jobId}#1`;

/** VM name → the job key it was started for, from the "starting vm" log lines. */
function startedFor(executor: ExecutorProcess): Map<string, string> {
  return new Map(
    executor
      .logs()
      .filter((line) => line.msg === "starting vm")
      .map((line) => [String(line["vm"]), String(line["job"])]),
  );
}

describe.concurrent("scheduling", () => {
  it("with one slot, three jobs queued at once run one after another in arrival order; duplicate deliveries start no extra VM", async (context) => {
    const world = await useE2eWorld(context);
    const executor = await world.startExecutor({ tart: { numberOfVirtualMachines: 1 } });
    const jobs = [
      world.queue(LABELS, { delivery: { duplicate: "same-guid" } }),
      world.queue(LABELS, { delivery: { duplicate: "new-guid" } }),
      world.queue(LABELS),
    ];
    const views = [];
    for (const job of jobs) views.push(await job.settled(60_000));
    await waitForDeleted(executor, 3);

    expect(views.map((view) => view.conclusion)).toEqual(["success", "success", "success"]);
    const vms = clones(world);
    expect(vms).toHaveLength(3);
    expect(maxConcurrentVms(vmLifetimes(world.commands()))).toBe(1);
    // VMs were started for the jobs in arrival order, and each job ran on the VM made for it.
    const forJob = startedFor(executor);
    expect(vms.map((vm) => forJob.get(vm))).toEqual(jobs.map((job) => keyOf(job.id)));
    expect(views.map((view) => view.runner?.name)).toEqual(vms);
    const completed = views.map((view) => view.completedAtMs ?? 0);
    expect([...completed].sort((a, b) => a - b)).toEqual(completed);

    // The duplicates really were delivered and acknowledged.
    const queuedDeliveries = (jobId: number) =>
      world.github.deliveries().filter((d) => d.jobId === jobId && d.action === "queued");
    const [same, sameCopy] = queuedDeliveries(jobs[0]?.id ?? 0);
    expect(sameCopy?.guid).toBe(same?.guid);
    const [fresh, freshCopy] = queuedDeliveries(jobs[1]?.id ?? 0);
    expect(freshCopy?.guid).not.toBe(fresh?.guid);
    for (const delivery of [same, sameCopy, fresh, freshCopy]) expect(delivery?.statusCode).toBe(202);
    expect(
      executor
        .logs()
        .some(
          (line) =>
            line.msg === "workflow job" && line["delivery"] === same?.guid && line["duplicate"] === true,
        ),
    ).toBe(true);
  });

  it("starts no VM for a job whose completed delivery arrives before its queued one", async (context) => {
    const world = await useE2eWorld(context);
    const executor = await world.startExecutor();
    // The queued delivery is held back; the cancellation's completed delivery overtakes it.
    const job = world.queue(LABELS, { delivery: { delayMs: 1500 } });
    world.github.dispatcher.cancelJob(job.id);
    await world.github.dispatcher.deliveriesIdle();
    const deliveries = world.github.deliveries().filter((d) => d.jobId === job.id);
    const queued = deliveries.find((d) => d.action === "queued");
    const completed = deliveries.find((d) => d.action === "completed");
    expect(completed?.deliveredAtMs).toBeLessThan(queued?.deliveredAtMs ?? 0);
    expect([queued?.statusCode, completed?.statusCode]).toEqual([202, 202]);
    await executor.waitForLog((line) => line["delivery"] === queued?.guid, 5_000);
    await sleep(1000);
    expect(clones(world)).toEqual([]);
  });

  it("releases the VM of a job cancelled while it boots: VM deleted and runner registration removed", async (context) => {
    const world = await useE2eWorld(context, { sim: { delays: { bootMs: 2500 } } });
    const executor = await world.startExecutor();
    const job = world.queue(LABELS);
    // The runner is registered while the VM boots; cancel the job then.
    await waitFor(() => world.github.runners().length === 1, 15_000, "the runner registration");
    world.github.dispatcher.cancelJob(job.id);

    const teardown = await executor.waitForLog((line) => line.msg === "tearing down vm", 15_000);
    expect(String(teardown["reason"])).toMatch(/completed before its VM was busy/);
    await waitForDeleted(executor, 1);
    expect(job.view()).toMatchObject({ status: "completed", conclusion: "cancelled", runner: null });
    expect(clones(world)).toHaveLength(1);
    expect(await leftovers(world)).toEqual(NOTHING_LEFT);
  });

  it("hands the VM of a cancelled job to the next queued job with the same labels", async (context) => {
    const world = await useE2eWorld(context, { sim: { delays: { bootMs: 2500 } } });
    const executor = await world.startExecutor({ tart: { numberOfVirtualMachines: 1 } });
    const cancelled = world.queue(LABELS);
    const waiting = world.queue(LABELS);
    await waitFor(() => world.github.runners().length === 1, 15_000, "the runner registration");
    world.github.dispatcher.cancelJob(cancelled.id);

    const view = await waiting.settled(30_000);
    await waitForDeleted(executor, 1);
    const [vm, ...others] = clones(world);
    expect(others).toEqual([]);
    expect(startedFor(executor).get(vm ?? "")).toBe(keyOf(cancelled.id));
    expect(view.conclusion).toBe("success");
    expect(view.runner?.name).toBe(vm);
    expect(world.github.runners()).toEqual([]);
  });

  it("tears an idle runner that no queued job needs down after timeouts.idle", async (context) => {
    const world = await useE2eWorld(context);
    const executor = await world.startExecutor({ timeouts: { idle: 2 } });
    const send = (action: "queued" | "in_progress", runnerName: string | null) =>
      sendSigned(
        `${executor.url}/webhook`,
        "workflow_job",
        workflowJobPayload({ action, id: 9001, labels: LABELS, runnerName }),
        { secret: world.webhookSecret },
      );
    // A job GitHub never hands to our runner: someone else's runner takes it.
    expect((await send("queued", null)).status).toBe(202);
    await executor.waitForLog((line) => line.msg === "runner online", 20_000);
    const takenAt = Date.now();
    expect((await send("in_progress", "someone-elses-runner")).status).toBe(202);

    const teardown = await executor.waitForLog((line) => line.msg === "tearing down vm", 10_000);
    expect(teardown["reason"]).toBe("idle");
    const idleFor = Date.parse(String(teardown["time"])) - takenAt;
    expect(idleFor).toBeGreaterThanOrEqual(1900);
    expect(idleFor).toBeLessThan(8000);
    await waitForDeleted(executor, 1);
    expect(await leftovers(world)).toEqual(NOTHING_LEFT);
  });

  it("when job A runs on the VM booted for job B, B gets another VM and both succeed on exactly two VMs", async (context) => {
    const world = await useE2eWorld(context);
    await world.prePull(IMAGE_WITH_RUNNER);
    const executor = await world.startExecutor();
    // A is queued first at GitHub (so GitHub hands it out first) but its webhook comes late:
    // the executor boots a VM for B first, and GitHub gives the older job, A, to that VM.
    const a = world.queue(LABELS, { delivery: { delayMs: 2500 }, durationMs: 500 });
    const b = world.queue(LABELS, { durationMs: 500 });
    const [viewA, viewB] = await Promise.all([a.settled(40_000), b.settled(40_000)]);
    await waitForDeleted(executor, 2);

    expect([viewA.conclusion, viewB.conclusion]).toEqual(["success", "success"]);
    const vms = clones(world);
    expect(vms).toHaveLength(2);
    const forJob = startedFor(executor);
    const bootedForB = vms.find((vm) => forJob.get(vm) === keyOf(b.id));
    expect(viewA.runner?.name).toBe(bootedForB);
    expect(viewB.runner?.name).not.toBe(bootedForB);
    expect(vms).toContain(viewB.runner?.name);
    expect(world.github.runners()).toEqual([]);
  });
});
