import { describe, expect, it } from "vitest";
import { applyEvent } from "../../../src/executor/ledger.js";
import type { LedgerEvent, VmPhase } from "../../../src/executor/model.js";
import { coverage } from "../../../src/executor/reconciler.js";
import {
  fold,
  IMAGE,
  jobEvent,
  key,
  MINUTE,
  POLICY,
  run,
  spec,
  vmPhase,
  vmStarted,
} from "./support/fixtures.js";

const givenUp = (jobId: number, at: number): LedgerEvent => ({
  type: "job-given-up",
  at,
  job: key(jobId),
  reason: "test",
});

describe("coverage", () => {
  it("starts a VM for a queued job that has none", () => {
    expect(run(fold([jobEvent(1, "queued", 0)]), 0)).toEqual([
      { type: "start-vm", forJob: key(1), spec: spec() },
    ]);
  });

  it("does nothing while the job's own VM is on its way", () => {
    const ledger = fold([jobEvent(1, "queued", 0), vmStarted("vm-1", 1, 0), vmPhase("vm-1", "booting", 1)]);
    expect(run(ledger, 2)).toEqual([]);
    expect(coverage(ledger)).toEqual(new Map([[key(1), "vm-1"]]));
  });

  it("keeps B covered by A's VM when A runs on B's VM, without a new VM", () => {
    const ledger = fold([
      jobEvent(1, "queued", 0),
      jobEvent(2, "queued", 0),
      vmStarted("vm-a", 1, 1),
      vmStarted("vm-b", 2, 2),
      vmPhase("vm-a", "idle", 3),
      vmPhase("vm-b", "idle", 3),
      jobEvent(1, "in_progress", 4, { runnerName: "vm-b" }),
    ]);
    expect(coverage(ledger)).toEqual(new Map([[key(2), "vm-a"]]));
    expect(run(ledger, 5)).toEqual([]);
  });

  it("prefers the VM made for the job, even when an older VM could serve it", () => {
    const ledger = fold([
      jobEvent(1, "queued", 0),
      jobEvent(2, "queued", 0),
      vmStarted("vm-2", 2, 1),
      vmStarted("vm-1", 1, 2),
    ]);
    expect(coverage(ledger)).toEqual(
      new Map([
        [key(1), "vm-1"],
        [key(2), "vm-2"],
      ]),
    );
  });

  it("lets an older job without a VM take a younger job's VM; the younger job gets a new one", () => {
    const ledger = fold([jobEvent(1, "queued", 0), jobEvent(2, "queued", 0), vmStarted("vm-2", 2, 1)]);
    expect(coverage(ledger)).toEqual(new Map([[key(1), "vm-2"]]));
    expect(run(ledger, 2)).toEqual([{ type: "start-vm", forJob: key(2), spec: spec() }]);
  });

  it("covers with a VM whose labels are a case-insensitive superset, on the same image only", () => {
    const big = spec(["Self-Hosted", "macOS", "XL"]);
    const ledger = fold([
      jobEvent(9, "completed", 0),
      vmStarted("vm-xl", 9, 0, big),
      jobEvent(1, "queued", 1),
    ]);
    expect(coverage(ledger)).toEqual(new Map([[key(1), "vm-xl"]]));

    const otherImage = fold([
      jobEvent(9, "completed", 0),
      vmStarted("vm-other", 9, 0, spec(["self-hosted", "macos"], { image: `${IMAGE}-other` })),
      jobEvent(1, "queued", 1),
    ]);
    expect(coverage(otherImage).size).toBe(0);

    const narrower = fold([jobEvent(1, "queued", 0, { spec: big }), vmStarted("vm-small", 9, 0)]);
    expect(coverage(narrower).size).toBe(0);
  });

  it("covers each job with its own VM: one VM never covers two jobs", () => {
    const ledger = fold([
      jobEvent(1, "queued", 0),
      jobEvent(2, "queued", 0),
      jobEvent(3, "queued", 0),
      vmStarted("vm-1", 1, 1),
    ]);
    expect(run(ledger, 2)).toEqual([{ type: "start-vm", forJob: key(2), spec: spec() }]);
  });

  it("does not cover waiting, in-progress, completed or given-up jobs", () => {
    const ledger = fold([
      jobEvent(1, "waiting", 0),
      jobEvent(2, "in_progress", 0, { runnerName: "elsewhere" }),
      jobEvent(3, "completed", 0),
      jobEvent(4, "queued", 0),
      givenUp(4, 0),
    ]);
    expect(run(ledger, 1)).toEqual([]);
  });

  it("does not count tearing-down VMs, or VMs busy with a job GitHub named, as cover", () => {
    const ledger = fold([
      jobEvent(1, "queued", 0),
      jobEvent(2, "queued", 0),
      jobEvent(3, "queued", 0),
      vmStarted("vm-1", 3, 0),
      vmStarted("vm-2", 2, 0),
      vmPhase("vm-1", "busy", 1),
      jobEvent(3, "in_progress", 2, { runnerName: "vm-1" }),
      vmPhase("vm-2", "tearing-down", 1),
    ]);
    expect(coverage(ledger).size).toBe(0);
  });

  it("counts a runner that took a job the webhooks have not named yet as covering one queued job", () => {
    // The runner's log said "Running job" before GitHub's in_progress delivery arrived: no spare
    // VM for the job it most likely took, but the second queued job still gets one.
    const ledger = fold([
      jobEvent(1, "queued", 0),
      jobEvent(2, "queued", 0),
      vmStarted("vm-1", 1, 0),
      vmPhase("vm-1", "busy", 1),
    ]);
    expect(coverage(ledger)).toEqual(new Map([[key(1), "vm-1"]]));
    expect(run(ledger, 2)).toEqual([{ type: "start-vm", forJob: key(2), spec: spec() }]);
    // Nor is that busy runner ever released as idle while it waits for the delivery.
    expect(run(ledger, 2 + 10 * MINUTE).some((action) => action.type === "teardown-vm")).toBe(false);
  });
});

describe("starting VMs", () => {
  it("starts up to the slot limit in one pass, in arrival order", () => {
    const ledger = fold([jobEvent(3, "queued", 0), jobEvent(1, "queued", 1), jobEvent(2, "queued", 2)]);
    expect(run(ledger, 3)).toEqual([
      { type: "start-vm", forJob: key(3), spec: spec() },
      { type: "start-vm", forJob: key(1), spec: spec() },
    ]);
  });

  it("counts VMs in every phase, tearing-down included, against the slots", () => {
    const ledger = fold([
      jobEvent(9, "completed", 0),
      vmStarted("old", 9, 0),
      vmPhase("old", "tearing-down", 1),
      jobEvent(1, "queued", 2),
      jobEvent(2, "queued", 2),
    ]);
    expect(run(ledger, 3)).toEqual([{ type: "start-vm", forJob: key(1), spec: spec() }]);
  });

  it("serves jobs in strict arrival order under a CPU budget: a big head job blocks smaller ones", () => {
    const running = spec(["self-hosted", "macos"], { cpu: 4 });
    const bigSpec = spec(["self-hosted", "macos"], { cpu: 8 });
    const smallSpec = spec(["self-hosted", "macos"], { cpu: 2 });
    const ledger = fold([
      jobEvent(1, "queued", 0, { spec: running }),
      vmStarted("vm-1", 1, 0, running),
      jobEvent(1, "in_progress", 1, { runnerName: "vm-1", spec: running }),
      jobEvent(2, "queued", 2, { spec: bigSpec }),
      jobEvent(3, "queued", 3, { spec: smallSpec }),
    ]);
    const capacity = { maxVms: 3, cpuLimit: 8 };
    expect(run(ledger, 4, { capacity })).toEqual([]);

    const done = fold(
      [jobEvent(1, "completed", 5, { runnerName: "vm-1" }), { type: "vm-gone", at: 6, vm: "vm-1" }],
      ledger,
    );
    expect(run(done, 7, { capacity })).toEqual([{ type: "start-vm", forJob: key(2), spec: bigSpec }]);
  });

  it("respects the memory budget, counting image-default sizes as 0", () => {
    const sized = spec(["self-hosted", "macos"], { memoryMiB: 8192 });
    const ledger = fold([
      jobEvent(1, "queued", 0, { spec: sized }),
      jobEvent(2, "queued", 1),
      jobEvent(3, "queued", 2, { spec: sized }),
    ]);
    expect(run(ledger, 3, { capacity: { maxVms: 3, memoryLimitMiB: 12_000 } })).toEqual([
      { type: "start-vm", forJob: key(1), spec: sized },
      { type: "start-vm", forJob: key(2), spec: spec() },
    ]);
  });

  it("starts nothing while draining", () => {
    expect(run(fold([jobEvent(1, "queued", 0)]), 1, { capacity: { accepting: false } })).toEqual([]);
  });

  it("gives up, once, on a job whose VMs failed maxAttempts times, and moves on", () => {
    const failures = [1, 2, 3].flatMap((n): LedgerEvent[] => [
      vmStarted(`vm-${n}`, 1, n),
      { type: "vm-failed", at: n, vm: `vm-${n}`, reason: `boot ${n}` },
      { type: "vm-gone", at: n, vm: `vm-${n}` },
    ]);
    const ledger = fold([jobEvent(1, "queued", 0), jobEvent(2, "queued", 0), ...failures]);
    const actions = run(ledger, 10);
    expect(actions).toEqual([
      { type: "give-up-job", job: key(1), reason: "3 VM attempts failed (limit 3); the last: boot 3" },
      { type: "start-vm", forJob: key(2), spec: spec() },
    ]);
    const after = applyEvent(ledger, { type: "job-given-up", at: 10, job: key(1), reason: "x" });
    expect(run(after, 11)).toEqual([{ type: "start-vm", forJob: key(2), spec: spec() }]);
  });

  it("gives up on a job that could never fit the host, instead of blocking the queue", () => {
    const huge = spec(["self-hosted", "macos"], { cpu: 16 });
    const ledger = fold([jobEvent(1, "queued", 0, { spec: huge }), jobEvent(2, "queued", 1)]);
    expect(run(ledger, 2, { capacity: { cpuLimit: 8 } })).toEqual([
      { type: "give-up-job", job: key(1), reason: "needs 16 CPUs, more than the host's CPU limit of 8" },
      { type: "start-vm", forJob: key(2), spec: spec() },
    ]);
  });

  it("gives up even while draining", () => {
    const ledger = fold([jobEvent(1, "queued", 0)]);
    const exhausted = { ...ledger.jobs.get(key(1))!, attempts: 3 };
    const actions = run({ ...ledger, jobs: new Map([[key(1), exhausted]]) }, 1, {
      capacity: { accepting: false },
    });
    expect(actions.map((a) => a.type)).toEqual(["give-up-job"]);
  });
});

describe("VMs nobody needs", () => {
  const booting = fold([jobEvent(1, "queued", 0), vmStarted("vm-1", 1, 0), vmPhase("vm-1", "booting", 1)]);

  it("releases at once the VM of a job cancelled before its VM was busy", () => {
    const ledger = applyEvent(booting, jobEvent(1, "completed", 2, { conclusion: "cancelled" }));
    expect(run(ledger, 3)).toEqual([
      {
        type: "teardown-vm",
        vm: "vm-1",
        reason: `job ${key(1)} completed before its VM was busy`,
        failure: false,
      },
    ]);
  });

  it("releases at once the VM of a job that was given up", () => {
    expect(run(applyEvent(booting, givenUp(1, 2)), 3)).toEqual([
      {
        type: "teardown-vm",
        vm: "vm-1",
        reason: `job ${key(1)} was given up before its VM was busy`,
        failure: false,
      },
    ]);
  });

  it("keeps a cancelled job's VM when another queued job needs it", () => {
    const ledger = fold(
      [jobEvent(2, "queued", 2), jobEvent(1, "completed", 3, { conclusion: "cancelled" })],
      booting,
    );
    expect(coverage(ledger)).toEqual(new Map([[key(2), "vm-1"]]));
    expect(run(ledger, 4, { capacity: { maxVms: 1 } })).toEqual([]);
  });

  it("marks an idle runner nobody needs, and tears it down after the idle timeout", () => {
    const ledger = fold(
      [vmPhase("vm-1", "idle", 2), jobEvent(1, "in_progress", 3, { runnerName: "static-mac" })],
      booting,
    );
    expect(run(ledger, 4)).toEqual([{ type: "mark-vm-unneeded", vm: "vm-1" }]);
    const marked = applyEvent(ledger, { type: "vm-unneeded", at: 4, vm: "vm-1" });
    expect(run(marked, 4 + POLICY.idleTimeoutMs - 1)).toEqual([]);
    expect(run(marked, 4 + POLICY.idleTimeoutMs)).toEqual([
      { type: "teardown-vm", vm: "vm-1", reason: "idle", failure: false },
    ]);
  });

  it("puts the VM of a job that went back to waiting on the idle clock", () => {
    expect(run(applyEvent(booting, jobEvent(1, "waiting", 2)), 3)).toEqual([
      { type: "mark-vm-unneeded", vm: "vm-1" },
    ]);
  });

  it("marks a VM needed again when a queued job arrives for it", () => {
    const ledger = fold(
      [
        vmPhase("vm-1", "idle", 2),
        jobEvent(1, "in_progress", 3, { runnerName: "static-mac" }),
        { type: "vm-unneeded", at: 4, vm: "vm-1" },
        jobEvent(2, "queued", 5),
      ],
      booting,
    );
    expect(run(ledger, 6)).toEqual([{ type: "mark-vm-needed", vm: "vm-1" }]);
  });
});

describe("busy VMs", () => {
  const busy = fold([
    jobEvent(1, "queued", 0),
    vmStarted("vm-1", 1, 0),
    vmPhase("vm-1", "idle", 1),
    jobEvent(1, "in_progress", 2, { runnerName: "vm-1" }),
  ]);

  it("leaves a VM alone while its job runs", () => {
    expect(run(busy, 100 * MINUTE)).toEqual([]);
  });

  it("tears down a VM whose job completed, after the grace period", () => {
    const done = applyEvent(busy, jobEvent(1, "completed", 10, { runnerName: "vm-1" }));
    expect(run(done, 10 + POLICY.completedGraceMs - 1)).toEqual([]);
    expect(run(done, 10 + POLICY.completedGraceMs)).toEqual([
      { type: "teardown-vm", vm: "vm-1", reason: "job completed", failure: false },
    ]);
  });
});

describe("phase deadlines", () => {
  const deadlines: [VmPhase, string][] = [
    ["cloning", "1800"],
    ["booting", "300"],
    ["provisioning", "300"],
    ["idle", "3600"],
    ["busy", "21600"],
  ];

  it.each(deadlines)("tears down a VM stuck in %s as a failure", (phase, seconds) => {
    const ledger = fold([jobEvent(1, "queued", 0), vmStarted("vm-1", 1, 0), vmPhase("vm-1", phase, 0)]);
    const deadline = POLICY.phaseDeadlineMs[phase];
    // One slot: a VM busy from its runner's log alone leaves job 1 queued and uncovered.
    const capacity = { maxVms: 1 };
    expect(run(ledger, deadline, { capacity })).toEqual([]);
    expect(run(ledger, deadline + 1, { capacity })).toEqual([
      { type: "teardown-vm", vm: "vm-1", reason: `deadline: ${phase} exceeded ${seconds} s`, failure: true },
    ]);
  });

  it("does not count an overrun as a failure when the VM took a job", () => {
    const ledger = fold([
      jobEvent(1, "queued", 0),
      vmStarted("vm-1", 1, 0),
      jobEvent(1, "in_progress", 0, { runnerName: "vm-1" }),
    ]);
    expect(run(ledger, POLICY.phaseDeadlineMs.busy + 1)).toEqual([
      { type: "teardown-vm", vm: "vm-1", reason: "deadline: busy exceeded 21600 s", failure: false },
    ]);
  });

  it("leaves VMs that are tearing down to the effects shell", () => {
    const ledger = fold([
      jobEvent(1, "queued", 0),
      vmStarted("vm-1", 1, 0),
      vmPhase("vm-1", "tearing-down", 0),
    ]);
    expect(run(ledger, 100 * POLICY.phaseDeadlineMs["tearing-down"])).toEqual([
      { type: "start-vm", forJob: key(1), spec: spec() },
    ]);
  });

  it("keeps a doomed VM's job covered in the pass that tears it down", () => {
    const ledger = fold([jobEvent(1, "queued", 0), vmStarted("vm-1", 1, 0), vmPhase("vm-1", "booting", 0)]);
    const actions = run(ledger, POLICY.phaseDeadlineMs.booting + 1);
    expect(actions.map((a) => a.type)).toEqual(["teardown-vm"]);
  });
});

describe("tombstones", () => {
  const done = fold([jobEvent(1, "queued", 0), jobEvent(1, "completed", 10)]);

  it("prunes a finished job after the tombstone period", () => {
    expect(run(done, 10 + POLICY.tombstoneMs - 1)).toEqual([]);
    expect(run(done, 10 + POLICY.tombstoneMs)).toEqual([{ type: "prune-job", job: key(1) }]);
  });

  it("prunes a given-up job counting from the give-up", () => {
    const ledger = fold([jobEvent(2, "queued", 0), givenUp(2, 20)]);
    expect(run(ledger, 20 + POLICY.tombstoneMs - 1)).toEqual([]);
    expect(run(ledger, 20 + POLICY.tombstoneMs)).toEqual([{ type: "prune-job", job: key(2) }]);
  });

  it("keeps a job some VM still refers to", () => {
    const ledger = fold([vmStarted("vm-1", 1, 5), vmPhase("vm-1", "tearing-down", 6)], done);
    expect(run(ledger, 10 + 10 * POLICY.tombstoneMs)).toEqual([]);
  });
});

describe("one pass", () => {
  it("gives each VM at most one action, and is deterministic", () => {
    const ledger = fold([
      jobEvent(1, "queued", 0),
      vmStarted("vm-1", 1, 0),
      { type: "vm-unneeded", at: 0, vm: "vm-1" },
      vmPhase("vm-1", "booting", 0),
    ]);
    const now = POLICY.phaseDeadlineMs.booting + 1;
    const actions = run(ledger, now);
    expect(actions).toEqual([
      { type: "teardown-vm", vm: "vm-1", reason: "deadline: booting exceeded 300 s", failure: true },
    ]);
    expect(run(ledger, now)).toEqual(actions);
  });
});

describe("retry backoff (kept in the ledger)", () => {
  const failedOnce = (at: number, failures = 1): LedgerEvent[] => [
    jobEvent(1, "queued", 0),
    ...Array.from({ length: failures }, (_, index): LedgerEvent[] => [
      vmStarted(`vm-${index}`, 1, at - 10),
      { type: "vm-failed", at, vm: `vm-${index}`, reason: "boom" },
      { type: "vm-gone", at, vm: `vm-${index}` },
    ]).flat(),
  ];

  it("waits retryBackoffMs after a job's first failed VM, then starts the next", () => {
    const ledger = fold(failedOnce(1_000));
    expect(ledger.jobs.get(key(1))?.lastFailureAt).toBe(1_000);
    const policy = { retryBackoffMs: 30_000 };
    expect(run(ledger, 1_000 + 29_999, { policy })).toEqual([]);
    expect(run(ledger, 1_000 + 30_000, { policy })).toEqual([
      { type: "start-vm", forJob: key(1), spec: spec() },
    ]);
  });

  it("doubles the wait with every further failure", () => {
    const ledger = fold(failedOnce(1_000, 2));
    const policy = { retryBackoffMs: 30_000, maxAttempts: 5 };
    expect(run(ledger, 1_000 + 59_999, { policy })).toEqual([]);
    expect(run(ledger, 1_000 + 60_000, { policy })).toHaveLength(1);
  });

  it("a job waiting out its backoff keeps its share of the capacity; younger jobs start beside it", () => {
    const ledger = fold([...failedOnce(1_000), jobEvent(2, "queued", 1), jobEvent(3, "queued", 2)]);
    const actions = run(ledger, 2_000, { policy: { retryBackoffMs: 30_000 }, capacity: { maxVms: 2 } });
    expect(actions).toEqual([{ type: "start-vm", forJob: key(2), spec: spec() }]);
  });

  it("no backoff without retryBackoffMs", () => {
    expect(run(fold(failedOnce(1_000)), 1_000)).toHaveLength(1);
  });
});
