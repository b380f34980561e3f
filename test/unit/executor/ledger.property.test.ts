/**
 * Property tests of the reducer on its own: webhook deliveries of one job in any order, with
 * duplicates and losses; and arbitrary event streams (including nonsense such as events for
 * unknown VMs, or a delivery id reused with another payload) folded into arbitrary ledgers.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyEvent, emptyLedger } from "../../../src/executor/ledger.js";
import { jobKey } from "../../../src/executor/model.js";
import type { JobStatus, LedgerEvent, ReconcilePolicy, VmPhase } from "../../../src/executor/model.js";
import { reconcile } from "../../../src/executor/reconciler.js";
import { numRuns } from "./support/fc.js";
import { key, MINUTE, observed, POLICY, REPO, spec } from "./support/fixtures.js";
import { checkActions, createInvariants } from "./support/invariants.js";

interface Delivery {
  readonly deliveryId: string;
  readonly status: JobStatus;
  readonly runnerName: string | null;
}

/** One job's true history on GitHub: queued, some waiting/queued flips, maybe taken, maybe completed. */
const historyArb: fc.Arbitrary<Delivery[]> = fc
  .record({
    flips: fc.integer({ min: 0, max: 4 }),
    taken: fc.boolean(),
    completed: fc.boolean(),
  })
  .map(({ flips, taken, completed }) => {
    const statuses: JobStatus[] = ["queued"];
    for (let i = 0; i < flips; i += 1) statuses.push(i % 2 === 0 ? "waiting" : "queued");
    if (taken) statuses.push("in_progress");
    if (completed) statuses.push("completed");
    return statuses.map((status, i) => ({
      deliveryId: `d${i}`,
      status,
      runnerName: taken && (status === "in_progress" || status === "completed") ? "runner-1" : null,
    }));
  });

/** The history, then the order in which its webhooks arrive: any order, some twice, some never. */
const arrivalsArb = historyArb.chain((history) =>
  fc.array(fc.nat(history.length - 1), { maxLength: 3 * history.length }).map((order) => ({
    history,
    arrivals: order.map((i) => history[i]!),
  })),
);

function deliver(delivery: Delivery, at: number): LedgerEvent {
  return {
    type: "job-observed",
    at,
    deliveryId: delivery.deliveryId,
    job: observed(1, delivery.status, {
      runnerName: delivery.runnerName,
      conclusion: delivery.status === "completed" ? "success" : null,
    }),
  };
}

describe("one job's deliveries, in any order, duplicated or lost", () => {
  it("end in the furthest status seen; queued/waiting follow the latest; completed is final", () => {
    fc.assert(
      fc.property(arrivalsArb, ({ arrivals }) => {
        const ledger = arrivals.reduce((l, d, i) => applyEvent(l, deliver(d, i)), emptyLedger());
        const job = ledger.jobs.get(key(1));
        if (arrivals.length === 0) {
          expect(job).toBeUndefined();
          return;
        }
        const seen = new Set(arrivals.map((d) => d.status));
        const firstCompleted = arrivals.findIndex((d) => d.status === "completed");
        // Duplicates do not count as "latest": only a delivery's first arrival changes anything.
        const firstArrivals = arrivals.filter((d, i) => arrivals.findIndex((e) => e === d) === i);
        const expected = seen.has("completed")
          ? "completed"
          : seen.has("in_progress")
            ? "in_progress"
            : firstArrivals[firstArrivals.length - 1]!.status;
        expect(job?.status).toBe(expected);
        expect(job?.completedAt).toBe(firstCompleted === -1 ? null : firstCompleted);
        const taken = arrivals.some((d) => d.runnerName !== null);
        expect(job?.runnerName).toBe(taken ? "runner-1" : null);
        expect(job?.seq).toBe(1);
        expect(ledger.nextSeq).toBe(2);
      }),
      { numRuns: numRuns() },
    );
  });

  it("give the same ledger whether or not duplicates are delivered", () => {
    fc.assert(
      fc.property(arrivalsArb, ({ arrivals }) => {
        const withDuplicates = arrivals.reduce((l, d, i) => applyEvent(l, deliver(d, i)), emptyLedger());
        const firstOnly = arrivals.reduce(
          (l, d, i) => (arrivals.indexOf(d) === i ? applyEvent(l, deliver(d, i)) : l),
          emptyLedger(),
        );
        expect(withDuplicates).toEqual(firstOnly);
      }),
      { numRuns: numRuns() },
    );
  });
});

const JOB_IDS = [1, 2, 3];
const VM_NAMES = ["vm-1", "vm-2", "vm-3"];
const PHASES: VmPhase[] = ["cloning", "booting", "provisioning", "idle", "busy", "tearing-down"];
const SPECS = [
  spec(),
  spec(["self-hosted", "macos", "xl"], { cpu: 8, memoryMiB: 16384 }),
  spec(["Self-Hosted"]),
];

/** Any event about a small pool of jobs and VMs, `at` filled in later. */
const eventArb: fc.Arbitrary<(at: number) => LedgerEvent> = fc.oneof(
  fc
    .record({
      jobId: fc.constantFrom(...JOB_IDS),
      status: fc.constantFrom<JobStatus>("queued", "waiting", "in_progress", "completed"),
      delivery: fc.constantFrom("a", "b", "c", "d", "e", "f"),
      runnerName: fc.constantFrom(null, ...VM_NAMES, "static-mac"),
      spec: fc.constantFrom(...SPECS),
      upper: fc.boolean(),
    })
    .map((e) => (at: number): LedgerEvent => ({
      type: "job-observed",
      at,
      deliveryId: e.delivery,
      job: observed(e.jobId, e.status, {
        repo: e.upper ? REPO.toUpperCase() : REPO,
        runnerName: e.runnerName,
        spec: e.spec,
      }),
    })),
  fc
    .record({
      vm: fc.constantFrom(...VM_NAMES),
      forJob: fc.constantFrom(...JOB_IDS),
      spec: fc.constantFrom(...SPECS),
    })
    .map((e) => (at: number): LedgerEvent => ({
      type: "vm-started",
      at,
      vm: e.vm,
      spec: e.spec,
      forJob: key(e.forJob),
    })),
  fc
    .record({
      vm: fc.constantFrom(...VM_NAMES),
      phase: fc.constantFrom(...PHASES),
      runnerId: fc.option(fc.nat(3)),
    })
    .map((e) => (at: number): LedgerEvent => ({
      type: "vm-phase",
      at,
      vm: e.vm,
      phase: e.phase,
      ...(e.runnerId === null ? {} : { runnerId: e.runnerId }),
    })),
  fc
    .record({
      vm: fc.constantFrom(...VM_NAMES),
      type: fc.constantFrom("vm-failed", "vm-gone", "vm-unneeded", "vm-needed"),
    })
    .map(
      (e) =>
        (at: number): LedgerEvent =>
          e.type === "vm-failed"
            ? { type: e.type, at, vm: e.vm, reason: "boom" }
            : { type: e.type, at, vm: e.vm },
    ),
  fc.record({ jobId: fc.constantFrom(...JOB_IDS), type: fc.constantFrom("job-given-up", "job-pruned") }).map(
    (e) =>
      (at: number): LedgerEvent =>
        e.type === "job-given-up"
          ? { type: e.type, at, job: jobKey(REPO, e.jobId, 1), reason: "test" }
          : { type: e.type, at, job: jobKey(REPO, e.jobId, 1) },
  ),
);

const streamArb = fc
  .array(fc.tuple(eventArb, fc.integer({ min: 0, max: 3 * MINUTE })), { maxLength: 60 })
  .map((steps) => {
    let at = 0;
    return steps.map(([make, delta]) => {
      at += delta;
      return make(at);
    });
  });

const policyArb: fc.Arbitrary<ReconcilePolicy> = fc.record({
  idleTimeoutMs: fc.constantFrom(0, 2 * MINUTE),
  maxAttempts: fc.integer({ min: 1, max: 3 }),
  phaseDeadlineMs: fc.constant(POLICY.phaseDeadlineMs),
  completedGraceMs: fc.constantFrom(0, MINUTE),
  tombstoneMs: fc.constantFrom(0, 30 * MINUTE),
});

describe("arbitrary event streams", () => {
  it("are idempotent per event, never move a status or phase backwards, and never throw", () => {
    fc.assert(
      fc.property(streamArb, (events) => {
        const invariants = createInvariants();
        events.reduce((before, event) => {
          const after = applyEvent(before, event);
          invariants.onEvent(before, event, after);
          return after;
        }, emptyLedger());
      }),
      { numRuns: numRuns() },
    );
  });

  it("give reconcile passes that respect capacity, touch each VM once and are deterministic", () => {
    fc.assert(
      fc.property(
        streamArb,
        policyArb,
        fc.integer({ min: 1, max: 3 }),
        fc.option(fc.integer({ min: 4, max: 12 }), { nil: null }),
        fc.boolean(),
        fc.integer({ min: 0, max: 120 * MINUTE }),
        (events, policy, maxVms, cpuLimit, accepting, later) => {
          const ledger = events.reduce(applyEvent, emptyLedger());
          const now = (events[events.length - 1]?.at ?? 0) + later;
          const input = {
            ledger,
            now,
            policy,
            capacity: { maxVms, cpuLimit, memoryLimitMiB: null, accepting },
          };
          checkActions(input, reconcile(input));
        },
      ),
      { numRuns: numRuns() },
    );
  });
});
