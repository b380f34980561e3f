/**
 * Graceful shutdown of the process: on SIGTERM a VM that has not taken a job goes at once, a busy
 * one may finish its job until timeouts.drain (a second SIGTERM cuts that short), and either way
 * the VM and its runner registration are removed before the process exits 0.
 */
import { describe, expect, it, vi } from "vitest";
import { IMAGE_WITH_RUNNER, leftovers, useE2eWorld, waitFor } from "../../helpers/e2e-world.js";

// Each test has its own simulated world; two at a time keep the suite short on a 2-core host.
// A loaded host stretches a VM's life, hence the generous per-test limit (every wait inside is bounded).
vi.setConfig({ maxConcurrency: 2, testTimeout: 90_000, hookTimeout: 90_000 });

const LABELS = ["tartelet", IMAGE_WITH_RUNNER];
const NOTHING_LEFT = { vms: [], runners: [] };
/**
 * A runner killed mid-job stays busy at GitHub (its DELETE answers 422) until the job's lease
 * runs out without a renew; the fake's lease is 10 s by default, 2 s keeps these tests short.
 */
const BUSY_RUNNER_RELEASED_QUICKLY = { leaseMs: 2000 };

describe.concurrent("graceful shutdown", () => {
  it("SIGTERM while a job runs: after timeouts.drain the VM and its registration are removed, exit 0", async (context) => {
    const world = await useE2eWorld(context, { fakeGitHub: BUSY_RUNNER_RELEASED_QUICKLY });
    const executor = await world.startExecutor({ timeouts: { drain: 2 } });
    const job = world.queue(LABELS, { durationMs: 60_000 });
    await executor.waitForLog((line) => line.msg === "runner took a job", 30_000);
    expect(job.view().status).toBe("in_progress");

    const signalledAt = Date.now();
    const exit = await executor.stop("SIGTERM", 60_000);
    expect(exit.code).toBe(0);
    const tookMs = Date.now() - signalledAt;
    expect(tookMs).toBeGreaterThanOrEqual(1900); // the job had its drain time
    expect(executor.logs().some((line) => line.msg === "shutdown complete")).toBe(true);
    expect(executor.logs().some((line) => line.msg === "vm deleted")).toBe(true);
    expect(await leftovers(world)).toEqual(NOTHING_LEFT);
  });

  it("SIGTERM while a VM boots: it is torn down at once, without waiting for the drain, exit 0", async (context) => {
    const world = await useE2eWorld(context, { sim: { delays: { bootMs: 3000 } } });
    const executor = await world.startExecutor(); // timeouts.drain: the default hour
    world.queue(LABELS);
    await waitFor(() => world.commands().some((command) => command.argv[0] === "run"), 15_000, "tart run");

    const exit = await executor.stop("SIGTERM", 30_000);
    expect(exit.code).toBe(0);
    expect(executor.logs().some((line) => line.msg === "vm deleted")).toBe(true);
    expect(await leftovers(world)).toEqual(NOTHING_LEFT);
  });

  it("a second SIGTERM during the drain tears the busy VM down at once, exit 0", async (context) => {
    const world = await useE2eWorld(context, { fakeGitHub: BUSY_RUNNER_RELEASED_QUICKLY });
    const executor = await world.startExecutor(); // timeouts.drain: the default hour
    world.queue(LABELS, { durationMs: 60_000 });
    await executor.waitForLog((line) => line.msg === "runner took a job", 30_000);

    process.kill(executor.pid, "SIGTERM");
    await executor.waitForLog((line) => line.msg === "shutting down", 5_000);
    const exit = await executor.stop("SIGTERM", 60_000);
    expect(exit.code).toBe(0);
    expect(executor.logs().some((line) => line.msg === "vm deleted")).toBe(true);
    expect(await leftovers(world)).toEqual(NOTHING_LEFT);
  });
});
