import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { admits, capacitySummary, executorStatus } from "../../../src/executor/executor-status.js";
import { warmPoolKey } from "../../../src/executor/reconcile/warm-pool.js";
import type { Ledger, LedgerEvent, VmSpec } from "../../../src/executor/model.js";
import { applyEvent } from "../../../src/executor/ledger.js";
import { createWarmMetrics } from "../../../src/observability/warm-metrics.js";
import { CAPACITY, IMAGE, fold, jobEvent, observed, spec, vmPhase, vmStarted } from "./support/fixtures.js";

const WARM_SPEC: VmSpec = {
  image: IMAGE,
  cpu: 4,
  memoryMiB: null,
  labels: ["tartelet", "sequoia", "self-hosted"],
};
const KEY = warmPoolKey(WARM_SPEC);
const JOB_SPEC = spec(["tartelet", "sequoia"]);
const warmStarted = (vm: string, at: number): LedgerEvent => ({
  type: "vm-started",
  at,
  vm,
  spec: WARM_SPEC,
  forJob: KEY,
});
const idle = (vm: string, at: number): LedgerEvent[] => [
  vmPhase(vm, "booting", at),
  vmPhase(vm, "provisioning", at),
  vmPhase(vm, "idle", at),
];
const status = (ledger: Ledger) =>
  executorStatus({
    ledger,
    capacity: { ...CAPACITY, maxVms: 1, cpuLimit: 4 },
    hostname: "mini-1",
    version: "t",
    now: 5000,
  });

describe("warm VMs in the executor's status", () => {
  it("lists idle warm VMs with their labels and counts a free one as room for a new job", () => {
    const ledger = fold([warmStarted("w1", 0), ...idle("w1", 10)]);
    const answer = status(ledger);
    expect(answer.warmVms).toEqual([
      {
        name: "w1",
        phase: "idle",
        image: IMAGE,
        labels: WARM_SPEC.labels,
        cpu: 4,
        memoryMiB: null,
        free: true,
      },
    ]);
    expect(answer.freeSlots).toBe(1);
    expect(capacitySummary(answer).warmLabels).toEqual([WARM_SPEC.labels]);
    // Even a job the warm VM cannot serve fits: the warm VM gives up its slot and CPUs.
    expect(
      admits(answer, ledger, observed(9, "queued", { spec: spec(["tartelet", "other"], { cpu: 4 }) })),
    ).toBe(true);
  });

  it("has no warm VMs without a pool, and a warm VM a queued job counts on is not free", () => {
    expect(status(fold([])).warmVms).toBeUndefined();
    const ledger = fold([
      warmStarted("w1", 0),
      ...idle("w1", 10),
      jobEvent(1, "queued", 20, { spec: JOB_SPEC }),
    ]);
    const answer = status(ledger);
    expect(answer.warmVms?.[0]?.free).toBe(false);
    expect(answer.freeSlots).toBe(0);
    expect(capacitySummary(answer).warmLabels).toBeUndefined();
  });
});

describe("warm pool metrics", () => {
  it("counts a warm hit with its pickup latency, and a cold start a pool could have served as a miss", async () => {
    const registry = new Registry();
    const metrics = createWarmMetrics(registry, {
      pools: [{ key: KEY, spec: WARM_SPEC, count: 1 }],
      maxAgeMs: 1,
    });
    let ledger = fold([]);
    const feed = (event: LedgerEvent): void => {
      ledger = applyEvent(ledger, event);
      metrics.observe(event, ledger);
    };
    for (const event of [warmStarted("w1", 0), ...idle("w1", 10)]) feed(event);
    expect(await registry.getSingleMetricAsString("tart_executor_warm_vms")).toContain('state="idle"} 1');
    feed(jobEvent(1, "queued", 1000, { spec: JOB_SPEC }));
    feed(vmPhase("w1", "busy", 2500));
    feed(jobEvent(1, "in_progress", 3000, { spec: JOB_SPEC, runnerName: "w1" }));
    feed(jobEvent(1, "in_progress", 3000, { spec: JOB_SPEC, runnerName: "w1", delivery: "again" }));
    feed(jobEvent(2, "queued", 4000, { spec: JOB_SPEC }));
    feed(vmStarted("c1", 2, 4000, JOB_SPEC));
    feed(jobEvent(2, "in_progress", 34_000, { spec: JOB_SPEC, runnerName: "c1" }));
    const text = await registry.metrics();
    expect(text).toContain("tart_executor_warm_hits_total 1");
    expect(text).toContain("tart_executor_warm_misses_total 1");
    expect(text).toContain('tart_executor_pickup_latency_seconds_sum{kind="warm"} 1.5');
    expect(text).toContain('tart_executor_pickup_latency_seconds_sum{kind="cold"} 30');
    expect(text).toContain('tart_executor_warm_vms{state="idle"} 0');
  });
});
