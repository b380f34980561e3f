import { describe, expect, it } from "vitest";
import { applyEvent, emptyLedger } from "../../../src/executor/ledger.js";
import { jobKey } from "../../../src/executor/model.js";
import type { JobRecord, Ledger, VmRecord } from "../../../src/executor/model.js";
import { fold, jobEvent, key, REPO, spec, vmPhase, vmStarted } from "./support/fixtures.js";

function job(ledger: Ledger, jobId: number): JobRecord {
  const record = ledger.jobs.get(key(jobId));
  if (record === undefined) throw new Error(`job ${jobId} not in ledger`);
  return record;
}

function vm(ledger: Ledger, name: string): VmRecord {
  const record = ledger.vms.get(name);
  if (record === undefined) throw new Error(`vm ${name} not in ledger`);
  return record;
}

describe("job-observed", () => {
  it("records a new job with the next arrival number", () => {
    const ledger = fold([jobEvent(7, "queued", 100, { delivery: "a" }), jobEvent(8, "queued", 200)]);
    expect(job(ledger, 7)).toMatchObject({
      key: "octo-org/octo-repo#7#1",
      status: "queued",
      seq: 1,
      firstSeenAt: 100,
      updatedAt: 100,
      completedAt: null,
      attempts: 0,
      lastFailure: null,
      givenUp: null,
      deliveries: ["a"],
    });
    expect(job(ledger, 8).seq).toBe(2);
    expect(ledger.nextSeq).toBe(3);
  });

  it("keys jobs case-insensitively by repository, and by run attempt", () => {
    const ledger = fold([
      jobEvent(7, "queued", 1, { repo: "OCTO-ORG/octo-repo" }),
      jobEvent(7, "queued", 2, { repo: "octo-org/OCTO-REPO" }),
      jobEvent(7, "queued", 3, { runAttempt: 2 }),
    ]);
    expect([...ledger.jobs.keys()]).toEqual([key(7), jobKey(REPO, 7, 2)]);
  });

  it("ignores a duplicate delivery completely", () => {
    const once = fold([
      jobEvent(7, "queued", 1, { delivery: "a" }),
      jobEvent(7, "waiting", 2, { delivery: "b" }),
    ]);
    const again = applyEvent(once, jobEvent(7, "queued", 3, { delivery: "a" }));
    expect(again).toBe(once);
    expect(job(again, 7).status).toBe("waiting");
  });

  it("remembers the last 20 delivery ids", () => {
    const events = Array.from({ length: 25 }, (_, i) => jobEvent(7, "queued", i, { delivery: `d${i}` }));
    const ledger = fold(events);
    expect(job(ledger, 7).deliveries).toEqual(Array.from({ length: 20 }, (_, i) => `d${i + 5}`));
  });

  it("lets queued and waiting follow the latest delivery", () => {
    const ledger = fold([jobEvent(7, "queued", 1), jobEvent(7, "waiting", 2)]);
    expect(job(ledger, 7).status).toBe("waiting");
    expect(job(applyEvent(ledger, jobEvent(7, "queued", 3)), 7).status).toBe("queued");
  });

  it("never moves in_progress back to queued or waiting", () => {
    const ledger = fold([
      jobEvent(7, "in_progress", 1, { runnerName: "elsewhere" }),
      jobEvent(7, "queued", 2),
      jobEvent(7, "waiting", 3),
    ]);
    expect(job(ledger, 7)).toMatchObject({ status: "in_progress", runnerName: "elsewhere" });
  });

  it("keeps completed final, recording the delivery but nothing else", () => {
    const ledger = fold([
      jobEvent(7, "queued", 1),
      jobEvent(7, "completed", 2, { conclusion: "success", runnerName: "r1" }),
      jobEvent(7, "in_progress", 3, { runnerName: "r2", delivery: "late" }),
    ]);
    expect(job(ledger, 7)).toMatchObject({ status: "completed", runnerName: "r1", completedAt: 2 });
    expect(job(ledger, 7).deliveries).toContain("late");
  });

  it("lets a second completed fill in a missing runner name and conclusion", () => {
    const ledger = fold([
      jobEvent(7, "completed", 1, { conclusion: null, runnerName: null }),
      jobEvent(7, "completed", 2, { conclusion: "cancelled", runnerName: "r1" }),
      jobEvent(7, "completed", 3, { conclusion: "failure", runnerName: "r9" }),
    ]);
    expect(job(ledger, 7)).toMatchObject({ conclusion: "cancelled", runnerName: "r1", completedAt: 1 });
  });

  it("keeps a completed-before-queued job as a tombstone that a late queued cannot revive", () => {
    const ledger = fold([
      jobEvent(7, "completed", 5, { conclusion: "cancelled" }),
      jobEvent(7, "in_progress", 6, { runnerName: "r1" }),
      jobEvent(7, "queued", 7),
    ]);
    expect(job(ledger, 7)).toMatchObject({
      status: "completed",
      seq: 1,
      completedAt: 5,
      conclusion: "cancelled",
    });
  });

  it("records completedAt when the job completes", () => {
    const ledger = fold([
      jobEvent(7, "queued", 1),
      jobEvent(7, "in_progress", 2),
      jobEvent(7, "completed", 9),
    ]);
    expect(job(ledger, 7).completedAt).toBe(9);
  });
});

describe("runner binding from in_progress/completed", () => {
  const started = fold([jobEvent(1, "queued", 0), vmStarted("vm-a", 1, 0), vmPhase("vm-a", "idle", 10)]);

  it("marks our VM busy serving the job its runner took", () => {
    const ledger = applyEvent(started, jobEvent(2, "in_progress", 20, { runnerName: "vm-a" }));
    expect(vm(ledger, "vm-a")).toMatchObject({ phase: "busy", phaseSince: 20, servingJob: key(2) });
  });

  it("binds on a completed too, and clears unneededSince", () => {
    const unneeded = applyEvent(started, { type: "vm-unneeded", at: 15, vm: "vm-a" });
    const ledger = applyEvent(unneeded, jobEvent(1, "completed", 20, { runnerName: "vm-a" }));
    expect(vm(ledger, "vm-a")).toMatchObject({ phase: "busy", servingJob: key(1), unneededSince: null });
  });

  it("keeps the busy clock of a VM already busy from its runner's log", () => {
    const busy = applyEvent(started, vmPhase("vm-a", "busy", 15));
    const ledger = applyEvent(busy, jobEvent(1, "in_progress", 20, { runnerName: "vm-a" }));
    expect(vm(ledger, "vm-a")).toMatchObject({ phase: "busy", phaseSince: 15, servingJob: key(1) });
  });

  it("records the job on a VM tearing down without changing its phase", () => {
    const tearing = applyEvent(started, vmPhase("vm-a", "tearing-down", 15));
    const ledger = applyEvent(tearing, jobEvent(1, "in_progress", 20, { runnerName: "vm-a" }));
    expect(vm(ledger, "vm-a")).toMatchObject({ phase: "tearing-down", phaseSince: 15, servingJob: key(1) });
  });

  it("never rebinds a VM that already serves another job", () => {
    const first = applyEvent(started, jobEvent(1, "in_progress", 20, { runnerName: "vm-a" }));
    const ledger = applyEvent(first, jobEvent(2, "in_progress", 30, { runnerName: "vm-a" }));
    expect(vm(ledger, "vm-a").servingJob).toBe(key(1));
  });

  it("leaves our VMs alone when another runner took the job", () => {
    const ledger = applyEvent(started, jobEvent(1, "in_progress", 20, { runnerName: "static-mac" }));
    expect(ledger.vms).toBe(started.vms);
  });
});

describe("VM events", () => {
  const base = fold([jobEvent(1, "queued", 0), vmStarted("vm-a", 1, 5)]);

  it("starts a VM cloning", () => {
    expect(vm(base, "vm-a")).toEqual({
      name: "vm-a",
      spec: spec(),
      phase: "cloning",
      phaseSince: 5,
      createdAt: 5,
      forJob: key(1),
      servingJob: null,
      runnerId: null,
      unneededSince: null,
      tookJob: false,
      failure: null,
    });
    expect(applyEvent(base, vmStarted("vm-a", 2, 9))).toBe(base);
  });

  it("moves phases forward and records the runner id", () => {
    const ledger = applyEvent(base, {
      type: "vm-phase",
      at: 8,
      vm: "vm-a",
      phase: "provisioning",
      runnerId: 42,
    });
    expect(vm(ledger, "vm-a")).toMatchObject({ phase: "provisioning", phaseSince: 8, runnerId: 42 });
  });

  it("ignores a stale phase, a repeated phase, and anything after tearing-down", () => {
    const idle = applyEvent(base, vmPhase("vm-a", "idle", 8));
    expect(applyEvent(idle, vmPhase("vm-a", "booting", 9))).toBe(idle);
    expect(applyEvent(idle, vmPhase("vm-a", "idle", 9))).toBe(idle);
    const tearing = applyEvent(idle, vmPhase("vm-a", "tearing-down", 10));
    expect(applyEvent(tearing, vmPhase("vm-a", "busy", 11))).toBe(tearing);
    expect(applyEvent(tearing, vmPhase("vm-a", "tearing-down", 11))).toBe(tearing);
  });

  it("sets and clears unneededSince", () => {
    const unneeded = applyEvent(base, { type: "vm-unneeded", at: 10, vm: "vm-a" });
    expect(vm(unneeded, "vm-a").unneededSince).toBe(10);
    expect(applyEvent(unneeded, { type: "vm-unneeded", at: 20, vm: "vm-a" })).toBe(unneeded);
    expect(
      vm(applyEvent(unneeded, { type: "vm-needed", at: 30, vm: "vm-a" }), "vm-a").unneededSince,
    ).toBeNull();
  });

  it("removes a VM that is gone", () => {
    expect(applyEvent(base, { type: "vm-gone", at: 10, vm: "vm-a" }).vms.size).toBe(0);
  });

  it("ignores events about unknown VMs and jobs", () => {
    for (const event of [
      vmPhase("nope", "idle", 1),
      { type: "vm-failed", at: 1, vm: "nope", reason: "x" },
      { type: "vm-gone", at: 1, vm: "nope" },
      { type: "vm-unneeded", at: 1, vm: "nope" },
      { type: "vm-needed", at: 1, vm: "nope" },
      { type: "job-given-up", at: 1, job: "nope", reason: "x" },
      { type: "job-pruned", at: 1, job: "nope" },
    ] as const) {
      expect(applyEvent(base, event)).toBe(base);
    }
  });
});

describe("vm-failed", () => {
  const base = fold([jobEvent(1, "queued", 0), vmStarted("vm-a", 1, 0), vmPhase("vm-a", "booting", 5)]);
  const failed = { type: "vm-failed", at: 10, vm: "vm-a", reason: "boot timed out" } as const;

  it("counts one attempt against the job and moves the VM to tearing-down", () => {
    const ledger = applyEvent(base, failed);
    expect(job(ledger, 1).attempts).toBe(1);
    expect(vm(ledger, "vm-a")).toMatchObject({ phase: "tearing-down", phaseSince: 10 });
  });

  it("counts at most once per VM", () => {
    const once = applyEvent(base, failed);
    expect(applyEvent(once, { ...failed, at: 20, reason: "delete failed" })).toBe(once);
  });

  it("counts a failure reported after the VM went tearing-down, also only once", () => {
    const tearing = applyEvent(base, vmPhase("vm-a", "tearing-down", 8));
    const once = applyEvent(tearing, failed);
    expect(job(once, 1).attempts).toBe(1);
    expect(vm(once, "vm-a")).toMatchObject({ phase: "tearing-down", phaseSince: 8 });
    expect(applyEvent(once, failed)).toBe(once);
  });

  it("remembers the failure on the VM, so a journal replay cannot count it again", () => {
    const once = applyEvent(base, failed);
    expect(vm(once, "vm-a").failure).toEqual({ reason: failed.reason, at: failed.at });
    const replayed = fold([vmPhase("vm-a", "tearing-down", 12), failed], once);
    expect(job(replayed, 1).attempts).toBe(1);
  });

  it("counts each VM's failure: two VMs, two attempts, and keeps the last one's reason", () => {
    const ledger = fold(
      [failed, vmStarted("vm-b", 1, 20), { ...failed, vm: "vm-b", at: 30, reason: "no IP" }],
      base,
    );
    expect(job(ledger, 1).attempts).toBe(2);
    expect(job(ledger, 1).lastFailure).toBe("no IP");
  });

  it("does not count when the VM took a job or its job no longer waits for a runner", () => {
    const cases: Ledger[] = [
      applyEvent(base, vmPhase("vm-a", "busy", 8)),
      applyEvent(base, jobEvent(1, "in_progress", 8, { runnerName: "other" })),
      applyEvent(base, jobEvent(1, "completed", 8, { conclusion: "cancelled" })),
      applyEvent(base, { type: "job-given-up", at: 8, job: key(1), reason: "x" }),
    ];
    for (const ledger of cases) {
      const after = applyEvent(ledger, failed);
      expect(job(after, 1).attempts).toBe(0);
      expect(vm(after, "vm-a").phase).toBe("tearing-down");
      // Not even when repeated, now that the VM no longer shows it was busy.
      expect(job(applyEvent(after, failed), 1).attempts).toBe(0);
    }
  });

  it("counts for a job that went back to waiting", () => {
    const ledger = fold([jobEvent(1, "waiting", 8), failed], base);
    expect(job(ledger, 1).attempts).toBe(1);
  });
});

describe("job-given-up and job-pruned", () => {
  const base = fold([jobEvent(1, "queued", 0)]);

  it("keeps the first give-up", () => {
    const ledger = fold(
      [
        { type: "job-given-up", at: 5, job: key(1), reason: "3 attempts" },
        { type: "job-given-up", at: 9, job: key(1), reason: "other" },
      ],
      base,
    );
    expect(job(ledger, 1).givenUp).toEqual({ reason: "3 attempts", at: 5 });
  });

  it("removes a pruned job", () => {
    expect(applyEvent(base, { type: "job-pruned", at: 5, job: key(1) }).jobs.size).toBe(0);
  });

  it("starts empty", () => {
    expect(emptyLedger()).toEqual({ jobs: new Map(), vms: new Map(), nextSeq: 1 });
  });
});
