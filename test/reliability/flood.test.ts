/**
 * Flood: thousands of webhook deliveries — 20% of them duplicates (same-GUID redeliveries and
 * new-GUID repeats), in shuffled order, matching and non-matching jobs — against one executor
 * in-process: the real HTTP server, the real ledger store (fsync'd journal) and the real
 * reconciler, with a fast synthetic VM lifecycle instead of tart. The synthetic runner behaves
 * the way GitHub routes jobs: once idle it takes the job it was made for if still available, else
 * the oldest available one; GitHub then sends that job's in_progress and completed deliveries
 * (duplicated too). Asserted: exactly one VM per distinct matching job, never more VMs than
 * slots, every delivery answered 2xx, the event loop never stalled 100 ms or more (measured),
 * and memory back near where it started once the tombstones are pruned.
 *
 * Size: 2,000 deliveries by default; RELIABILITY_FULL=1 for 10,000 (or RELIABILITY_FLOOD=N).
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, expect } from "vitest";
import type { LedgerEvent } from "../../src/executor/model.js";
import { measureLoopStalls } from "../helpers/rel-loop-stalls.js";
import { startInProcessExecutor, type VmRequest } from "../helpers/rel-inprocess.js";
import { deliveryHeaders, workflowJobPayload, type JobAction } from "../helpers/rel-payloads.js";
import { flushTotals, scenario } from "../helpers/rel-totals.js";
import { sleep, waitFor } from "../helpers/e2e-world.js";
import { MATCHING } from "../helpers/rel-world.js";
import { seeded } from "../helpers/seeded-random.js";

const FULL = process.env["RELIABILITY_FULL"] === "1";
const DELIVERIES = Number(process.env["RELIABILITY_FLOOD"] ?? (FULL ? 10_000 : 2_000));
const SECRET = "flood-secret";
const SLOTS = 2;
const SENDERS = 16;
/** Longer than the flood, so that no duplicate outlives its job's tombstone (see below). */
const TOMBSTONE_MS = 10 * 60_000;
/** The tombstone period once the flood is over, to watch the pruning happen. */
const SHORT_TOMBSTONE_MS = 500;

afterAll(() => flushTotals(import.meta.url));

interface Delivery {
  readonly guid: string;
  readonly body: string;
  /** Which job, and whether this copy is a duplicate. */
  readonly jobId: number;
  readonly duplicate: boolean;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

function gcNow(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

const round1 = (value: number): number => Math.round(value * 10) / 10;

const heapMiB = (): number => Math.round((process.memoryUsage().heapUsed / 1024 / 1024) * 10) / 10;

scenario(
  `${DELIVERIES} deliveries, 20% duplicates, shuffled: one VM per job, no stall, memory bounded`,
  240_000,
  async (t) => {
    const seed = Number(process.env["RELIABILITY_SEED"] ?? Date.now() % 1_000_000);
    const random = seeded(seed);
    t.figure("seed", seed);
    // Unique deliveries are 80% of the total: per matching job queued, in_progress and completed;
    // as many non-matching deliveries as matching jobs.
    const unique = Math.round(DELIVERIES * 0.8);
    const matchingJobs = Math.round(unique / 4);
    const nonMatching = unique - matchingJobs * 3;
    const duplicatesWanted = DELIVERIES - unique;

    const stats = { sent: 0, non2xx: [] as string[], duplicatesSent: 0 };
    const vmsPerJob = new Map<string, number>();
    let running = 0;
    let maxRunning = 0;
    let idleVms = 0;
    /** GitHub's queue: jobs no runner has taken yet (all exist from the start). */
    const available = new Set<number>(Array.from({ length: matchingJobs }, (_, i) => 1_000 + i));
    const completed = new Set<number>();
    /** Jobs whose completed delivery (and any duplicate of it it planned) has been sent. */
    const completedSent = new Set<number>();
    const laterDuplicates: Delivery[] = [];
    const sentSoFar: Delivery[] = [];

    const delivery = (
      action: JobAction,
      jobId: number,
      labels: readonly string[],
      runnerName?: string,
    ): Delivery => ({
      guid: randomUUID(),
      body: JSON.stringify(workflowJobPayload({ action, id: jobId, labels, runnerName: runnerName ?? null })),
      jobId,
      duplicate: false,
    });
    /** A duplicate: a redelivery (same GUID) or a repeated event (new GUID), half each. */
    const duplicateOf = (original: Delivery): Delivery => ({
      ...original,
      guid: random() < 0.5 ? original.guid : randomUUID(),
      duplicate: true,
    });

    const ref: { inproc?: Awaited<ReturnType<typeof startInProcessExecutor>> } = {};
    const post = async (item: Delivery): Promise<void> => {
      const response = await fetch(`${ref.inproc?.url}/webhook`, {
        method: "POST",
        headers: deliveryHeaders(item.body, SECRET, "workflow_job", item.guid),
        body: item.body,
        signal: AbortSignal.timeout(30_000),
      });
      await response.arrayBuffer();
      stats.sent += 1;
      if (!item.duplicate) sentSoFar.push(item);
      if (item.duplicate) stats.duplicatesSent += 1;
      if (response.status < 200 || response.status > 299)
        stats.non2xx.push(`${response.status} job ${item.jobId}`);
    };
    /** Duplicates sent or waiting to be: never more than duplicatesWanted. */
    let duplicatesPlanned = 0;
    /** Sends now; with probability `p` keeps a duplicate to be sent later, shuffled into the flood. */
    const postWithMaybeDuplicate = async (item: Delivery, p: number): Promise<void> => {
      await post(item);
      if (random() < p && duplicatesPlanned < duplicatesWanted) {
        duplicatesPlanned += 1;
        laterDuplicates.push(duplicateOf(item));
      }
    };

    // The synthetic VM: phases as the real lifecycle emits them, then GitHub's routing.
    const runVm = async (request: VmRequest, emit: (event: LedgerEvent) => void): Promise<void> => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      vmsPerJob.set(request.forJob, (vmsPerJob.get(request.forJob) ?? 0) + 1);
      const phase = (next: "booting" | "provisioning" | "idle" | "busy", runnerId?: number): void =>
        emit({
          type: "vm-phase",
          at: Date.now(),
          vm: request.name,
          phase: next,
          ...(runnerId === undefined ? {} : { runnerId }),
        });
      try {
        await sleep(1);
        phase("booting");
        await sleep(1);
        phase("provisioning", 100 + vmsPerJob.size);
        await sleep(1);
        phase("idle");
        const own = Number(request.forJob.split("#")[1]);
        const jobId = available.has(own) ? own : [...available].sort((a, b) => a - b)[0];
        if (jobId === undefined) {
          // Nothing left to take: an idle runner the reconciler must retire by itself.
          idleVms += 1;
          await new Promise<void>((resolve) =>
            request.signal.addEventListener("abort", () => resolve(), { once: true }),
          );
          return;
        }
        available.delete(jobId);
        // GitHub announces the assignment (in_progress, runner_name = this VM) …
        await postWithMaybeDuplicate(delivery("in_progress", jobId, MATCHING, request.name), 0.2);
        phase("busy");
        await sleep(2);
        // … and the end of the job.
        completed.add(jobId);
        await postWithMaybeDuplicate(delivery("completed", jobId, MATCHING, request.name), 0.2);
        completedSent.add(jobId);
      } finally {
        running -= 1;
      }
    };

    gcNow();
    const heapStart = heapMiB();
    const inproc = await startInProcessExecutor({
      secret: SECRET,
      maxVms: SLOTS,
      listen: true,
      reconcileIntervalMs: 200,
      policy: { tombstoneMs: TOMBSTONE_MS, idleTimeoutMs: 2_000, completedGraceMs: 1_000 },
      runVm,
    });
    ref.inproc = inproc;
    t.defer(() => inproc.close());

    // The up-front flood: every matching job's queued, the non-matching jobs' deliveries, and
    // duplicates of them, shuffled.
    const initial: Delivery[] = [];
    for (let i = 0; i < matchingJobs; i += 1) initial.push(delivery("queued", 1_000 + i, MATCHING));
    const actions: JobAction[] = ["queued", "in_progress", "completed"];
    for (let i = 0; i < nonMatching; i += 1)
      initial.push(delivery(actions[i % 3] ?? "queued", 900_000 + Math.floor(i / 3), ["ubuntu-latest"]));
    const runnerDriven = matchingJobs * 2; // in_progress + completed per matching job
    const initialDuplicates = Math.max(0, duplicatesWanted - Math.round(runnerDriven * 0.2));
    for (let i = 0; i < initialDuplicates; i += 1)
      initial.push(duplicateOf(initial[Math.floor(random() * initial.length)] as Delivery));
    duplicatesPlanned = initialDuplicates;
    shuffle(initial, random);

    const loop = measureLoopStalls();
    const started = Date.now();
    let next = 0;
    const sender = async (): Promise<void> => {
      for (;;) {
        const item = next < initial.length ? initial[next++] : laterDuplicates.shift();
        if (item !== undefined) {
          await post(item);
          continue;
        }
        // Not before the last runner's own deliveries are out: the top-up below counts on them.
        if (completedSent.size === matchingJobs) return;
        await sleep(5);
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, () => sender()));
    // Late duplicates that arrived after the last job completed, and as many more redeliveries
    // of earlier deliveries as the total needs.
    while (laterDuplicates.length > 0) await post(laterDuplicates.shift() as Delivery);
    // So that the duplicates are exactly 20% of the flood.
    while (stats.sent < DELIVERIES)
      await post(duplicateOf(sentSoFar[Math.floor(random() * sentSoFar.length)] as Delivery));
    const floodMs = Date.now() - started;
    await waitFor(
      () => inproc.executor.activeTasks === 0 && inproc.executor.ledger.vms.size === 0,
      30_000,
      "every VM to go",
    ).catch((error: unknown) => {
      const vms = [...(inproc.executor.ledger.vms.values() ?? [])];
      throw new Error(
        `${String(error)}; completed ${completed.size}/${matchingJobs}, idle VMs ${idleVms}, VMs: ${JSON.stringify(vms)}; jobs of those VMs: ${JSON.stringify(vms.map((vm) => inproc.executor.ledger.jobs.get(vm.forJob)))}`,
      );
    });
    const stalls = loop.stop();
    // The test's own copies of the deliveries are not the executor's memory.
    initial.length = 0;
    sentSoFar.length = 0;
    gcNow();
    const heapAfterFlood = heapMiB();
    // Every duplicate and out-of-order delivery is an injected delivery fault; every matching job
    // must have been served (completed at "GitHub" by one of our VMs).
    expect(stats.duplicatesSent).toBe(duplicatesWanted);
    t.fault(stats.duplicatesSent);
    for (let i = 0; i < matchingJobs; i += 1) t.job(1_000 + i);
    for (const jobId of completed) t.served(jobId);

    // Every job is now a tombstone (a late queued duplicate after pruning would create it afresh
    // and start a VM for a job long finished: the tombstone period must outlast duplicates).
    expect(inproc.executor.ledger.jobs.size).toBe(matchingJobs);
    // Tombstones are pruned once their period is over.
    inproc.policy.tombstoneMs = SHORT_TOMBSTONE_MS;
    await waitFor(() => inproc.executor.ledger.jobs.size === 0, 30_000, "the tombstones to be pruned");
    gcNow();
    const heapPruned = heapMiB();

    t.figure("deliveries", stats.sent);
    t.figure("duplicates", stats.duplicatesSent);
    t.figure("matching jobs", matchingJobs);
    t.figure("deliveries/s", Math.round(stats.sent / (floodMs / 1000)));
    t.figure("max event-loop stall ms (own CPU)", round1(stalls.attributableMaxMs));
    t.figure("max event-loop delay ms (raw)", round1(stalls.rawMaxMs));
    t.figure("p99 event-loop delay ms (raw)", round1(stalls.rawP99Ms));
    t.figure("late ticks preempted by other processes", stalls.preemptedStalls);
    t.figure("load average", os.loadavg()[0]?.toFixed(1) ?? "?");
    t.figure("heap MiB start/after flood/after prune", `${heapStart}/${heapAfterFlood}/${heapPruned}`);
    console.log(`flood: ${JSON.stringify(t.figures)}`);

    expect(stats.non2xx).toEqual([]);
    expect(stats.sent).toBeGreaterThanOrEqual(DELIVERIES);
    expect(stats.duplicatesSent / stats.sent).toBeGreaterThanOrEqual(0.15);
    // Exactly one VM per distinct matching job, none for anything else, never beyond the slots.
    expect(completed.size).toBe(matchingJobs);
    expect(inproc.started.length).toBe(matchingJobs);
    expect([...vmsPerJob.values()].every((count) => count === 1)).toBe(true);
    expect(vmsPerJob.size).toBe(matchingJobs);
    expect(idleVms).toBe(0);
    expect(maxRunning).toBeLessThanOrEqual(SLOTS);
    // No stall of 100 ms or more caused by the process itself (the raw figure, printed above,
    // also counts the time other processes held the CPU).
    expect(stalls.attributableMaxMs).toBeLessThan(100);
    // Memory: back near the start once the tombstones are gone.
    expect(heapPruned - heapStart).toBeLessThan(FULL ? 40 : 25);
  },
);
