/** The warm pool's reconciler rules, one scenario each (docs/warm-pool.md). */
import { describe, expect, it } from "vitest";
import { reconcile } from "../../../src/executor/reconciler.js";
import { warmPoolKey, type WarmPoolPolicy } from "../../../src/executor/reconcile/warm-pool.js";
import type { Action, Ledger, LedgerEvent, VmSpec } from "../../../src/executor/model.js";
import {
  CAPACITY,
  IMAGE,
  MINUTE,
  POLICY,
  fold,
  jobEvent,
  key,
  spec,
  vmPhase,
  vmStarted,
} from "./support/fixtures.js";

const WARM_SPEC: VmSpec = {
  image: IMAGE,
  cpu: null,
  memoryMiB: null,
  labels: ["tartelet", IMAGE, "sequoia", "self-hosted", "macos", "arm64"],
};
const KEY = warmPoolKey(WARM_SPEC);
const WARM: WarmPoolPolicy = { pools: [{ key: KEY, spec: WARM_SPEC, count: 1 }], maxAgeMs: 60 * MINUTE };
const JOB_SPEC = spec(["self-hosted", "tartelet", "sequoia"]);
const OTHER_SPEC = spec(["self-hosted", "tartelet", "other"], { image: "ghcr.io/acme/other:1" });

function warmStarted(vm: string, at: number, vmSpec: VmSpec = WARM_SPEC): LedgerEvent {
  return { type: "vm-started", at, vm, spec: vmSpec, forJob: KEY };
}

function booted(vm: string, at: number): LedgerEvent[] {
  return [vmPhase(vm, "booting", at), vmPhase(vm, "provisioning", at), vmPhase(vm, "idle", at)];
}

function run(
  ledger: Ledger,
  now: number,
  over: { warm?: WarmPoolPolicy; maxVms?: number; accepting?: boolean } = {},
) {
  return reconcile({
    ledger,
    now,
    capacity: { ...CAPACITY, maxVms: over.maxVms ?? 1, accepting: over.accepting ?? true },
    policy: POLICY,
    warm: over.warm ?? WARM,
  });
}

const warmStart: Action = { type: "start-vm", forJob: KEY, spec: WARM_SPEC };

describe("the warm pool", () => {
  it("fills an empty host up to the count", () => {
    expect(run(fold([]), 0, { maxVms: 2 })).toEqual([warmStart]);
    expect(
      run(fold([]), 0, { maxVms: 2, warm: { ...WARM, pools: [{ key: KEY, spec: WARM_SPEC, count: 2 }] } }),
    ).toEqual([warmStart, warmStart]);
  });

  it("with no pools, keeps no warm VM and behaves as without the pool", () => {
    const ledger = fold([jobEvent(1, "queued", 0, { spec: JOB_SPEC })]);
    const none = { pools: [], maxAgeMs: WARM.maxAgeMs };
    const without = reconcile({ ledger, now: 0, capacity: CAPACITY, policy: POLICY });
    expect(run(ledger, 0, { maxVms: 2, warm: none })).toEqual(without);
  });

  it("lets an idle warm VM cover a matching job: no cold start, and no refill while it is still free", () => {
    const ledger = fold([
      warmStarted("w1", 0),
      ...booted("w1", 10),
      jobEvent(1, "queued", 20, { spec: JOB_SPEC }),
    ]);
    expect(run(ledger, 30, { maxVms: 2 })).toEqual([]);
  });

  it("replaces a warm VM once its runner has taken a job", () => {
    const ledger = fold([
      warmStarted("w1", 0),
      ...booted("w1", 10),
      jobEvent(1, "queued", 20, { spec: JOB_SPEC }),
      jobEvent(1, "in_progress", 25, { spec: JOB_SPEC, runnerName: "w1" }),
    ]);
    expect(run(ledger, 30, { maxVms: 2 })).toEqual([warmStart]);
  });

  it("binds a job the warm runner took before its queued webhook: no cold VM, the pool is refilled", () => {
    // The runner's log says "Running job" first; the queued delivery arrives after.
    const ledger = fold([
      warmStarted("w1", 0),
      ...booted("w1", 10),
      vmPhase("w1", "busy", 20),
      jobEvent(1, "queued", 21, { spec: JOB_SPEC }),
    ]);
    expect(run(ledger, 22, { maxVms: 2 })).toEqual([warmStart]);
    const named = fold([jobEvent(1, "in_progress", 23, { spec: JOB_SPEC, runnerName: "w1" })], ledger);
    expect(named.vms.get("w1")?.servingJob).toBe(key(1));
    expect(run(named, 24, { maxVms: 2 })).toEqual([warmStart]);
  });

  it("evicts an idle warm VM for a job it cannot serve, once, and starts the job's VM when the slot is free", () => {
    const waiting = fold([
      warmStarted("w1", 0),
      ...booted("w1", 10),
      jobEvent(1, "queued", 20, { spec: OTHER_SPEC }),
    ]);
    expect(run(waiting, 30)).toEqual([
      {
        type: "teardown-vm",
        vm: "w1",
        reason: `warm VM: evicted, job ${key(1)} needs its slot`,
        failure: false,
      },
    ]);
    const tearing = fold([vmPhase("w1", "tearing-down", 31)], waiting);
    expect(run(tearing, 32)).toEqual([]);
    const gone = fold([{ type: "vm-gone", at: 40, vm: "w1" }], tearing);
    // The job first; the pool only once nothing queued needs the slot.
    expect(run(gone, 41)).toEqual([{ type: "start-vm", forJob: key(1), spec: OTHER_SPEC }]);
  });

  it("does not evict when tearing down the warm VM would not make room", () => {
    const big = spec(["self-hosted", "tartelet", "other"], { image: "ghcr.io/acme/other:1", cpu: 8 });
    const ledger = fold([
      warmStarted("w1", 0),
      ...booted("w1", 10),
      vmStarted("c1", 2, 15, spec(["self-hosted"], { cpu: 4 })),
      jobEvent(2, "queued", 15),
      jobEvent(1, "queued", 20, { spec: big }),
    ]);
    const actions = reconcile({
      ledger,
      now: 30,
      capacity: { ...CAPACITY, maxVms: 2, cpuLimit: 10 },
      policy: POLICY,
      warm: WARM,
    });
    expect(actions.filter((a) => a.type === "teardown-vm")).toEqual([]);
  });

  it("tears down the youngest warm VM beyond the count", () => {
    const ledger = fold([warmStarted("w1", 0), warmStarted("w2", 5), ...booted("w1", 10)]);
    expect(run(ledger, 20, { maxVms: 2 })).toEqual([
      { type: "teardown-vm", vm: "w2", reason: "warm VM: more than the pool's count", failure: false },
    ]);
  });

  it("recycles a warm VM older than maxAge, but not one a queued job is about to take", () => {
    const old = fold([warmStarted("w1", 0), ...booted("w1", 10)]);
    expect(run(old, 60 * MINUTE, { maxVms: 2 })).toEqual([
      {
        type: "teardown-vm",
        vm: "w1",
        reason: "warm VM: older than warmPool.maxAge (3600 s)",
        failure: false,
      },
      warmStart,
    ]);
    const needed = fold([jobEvent(1, "queued", 59 * MINUTE, { spec: JOB_SPEC })], old);
    expect(run(needed, 60 * MINUTE, { maxVms: 2 })).toEqual([]);
  });

  it("keeps an idle warm VM past the idle timeout and the idle deadline", () => {
    const ledger = fold([warmStarted("w1", 0), ...booted("w1", 10)]);
    expect(run(ledger, 59 * MINUTE, { maxVms: 1 })).toEqual([]);
  });

  it("tears down a warm VM whose boot overran its deadline, as a failure", () => {
    const ledger = fold([warmStarted("w1", 0), vmPhase("w1", "booting", 0)]);
    expect(run(ledger, 6 * MINUTE, { maxVms: 1 })).toEqual([
      { type: "teardown-vm", vm: "w1", reason: "deadline: booting exceeded 300 s", failure: true },
    ]);
  });

  it("tears down idle warm VMs while draining and warm VMs of a pool no longer configured", () => {
    const ledger = fold([warmStarted("w1", 0), ...booted("w1", 10)]);
    expect(run(ledger, 20, { accepting: false })).toEqual([
      { type: "teardown-vm", vm: "w1", reason: "warm VM: the executor is draining", failure: false },
    ]);
    const relabelled = {
      ...WARM,
      pools: [{ key: KEY, spec: { ...WARM_SPEC, labels: ["tartelet"] }, count: 1 }],
    };
    expect(run(ledger, 20, { warm: relabelled })[0]).toEqual({
      type: "teardown-vm",
      vm: "w1",
      reason: "warm VM: its pool is no longer configured",
      failure: false,
    });
  });

  it("removes a cold VM at once when a warm VM took the job it was started for", () => {
    const ledger = fold([
      jobEvent(1, "queued", 0, { spec: JOB_SPEC }),
      vmStarted("c1", 1, 1, JOB_SPEC),
      warmStarted("w1", 2),
      ...booted("w1", 10),
      jobEvent(1, "in_progress", 20, { spec: JOB_SPEC, runnerName: "w1" }),
    ]);
    expect(run(ledger, 21, { maxVms: 2 })).toEqual([
      { type: "teardown-vm", vm: "c1", reason: `job ${key(1)} was taken by warm VM w1`, failure: false },
    ]);
  });
});
