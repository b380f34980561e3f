/**
 * The warm pool's metrics: warm VMs by state, warm hits and misses, and the pickup latency
 * (queued delivery → the job started on a runner) labelled warm or cold. Fed with ledger events
 * as they happen, like count-job-outcomes.ts.
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { jobKey, type Ledger, type LedgerEvent } from "../executor/model.js";
import { canServe } from "../executor/reconciler.js";
import { isWarm, type WarmPoolPolicy } from "../executor/reconcile/warm-pool.js";

/** 100 ms up to 10 minutes: a warm hit takes seconds, a cold start about half a minute. */
const PICKUP_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 15, 20, 30, 45, 60, 90, 120, 300, 600];
const WARM_STATES = ["starting", "idle"] as const;
/** Jobs already counted, so a repeated or later delivery for the same job counts nothing. */
const REMEMBERED_JOBS = 2000;

export interface WarmMetrics {
  observe(event: LedgerEvent, ledger: Ledger): void;
}

export function createWarmMetrics(registry: Registry, warm: WarmPoolPolicy | undefined): WarmMetrics {
  const registers = [registry];
  const vms = new Gauge<"state">({
    name: "tart_executor_warm_vms",
    help: "Warm pool VMs waiting for a job: starting (clone to runner online) or idle (runner online).",
    labelNames: ["state"],
    registers,
  });
  const hits = new Counter({
    name: "tart_executor_warm_hits_total",
    help: "Jobs a warm VM's runner took.",
    registers,
  });
  const misses = new Counter({
    name: "tart_executor_warm_misses_total",
    help: "Jobs a warm pool could have served that ran on a VM started for them.",
    registers,
  });
  const pickup = new Histogram<"kind">({
    name: "tart_executor_pickup_latency_seconds",
    help: "From a job's queued delivery to its runner starting it, on a warm or a cold VM.",
    labelNames: ["kind"],
    buckets: PICKUP_BUCKETS,
    registers,
  });
  for (const state of WARM_STATES) vms.set({ state }, 0);
  pickup.zero({ kind: "warm" });
  pickup.zero({ kind: "cold" });
  const counted = new Set<string>();

  return {
    observe(event, ledger) {
      let starting = 0;
      let idle = 0;
      for (const vm of ledger.vms.values()) {
        if (!isWarm(vm) || vm.servingJob !== null) continue;
        if (vm.phase === "idle") idle += 1;
        else if (vm.phase !== "busy" && vm.phase !== "tearing-down") starting += 1;
      }
      vms.set({ state: "starting" }, starting);
      vms.set({ state: "idle" }, idle);

      if (event.type !== "job-observed" || event.job.runnerName === null) return;
      const key = jobKey(event.job.repo, event.job.jobId, event.job.runAttempt);
      const vm = ledger.vms.get(event.job.runnerName);
      const job = ledger.jobs.get(key);
      if (vm?.servingJob !== key || job === undefined || counted.has(key)) return;
      counted.add(key);
      if (counted.size > REMEMBERED_JOBS) counted.delete(counted.values().next().value ?? key);
      const warmHit = isWarm(vm);
      if (warmHit) hits.inc();
      else if (warm?.pools.some((pool) => canServe(pool.spec, job.spec)) === true) misses.inc();
      // The runner may have started the job before its queued delivery arrived: then 0.
      const startedAt = vm.phase === "busy" ? vm.phaseSince : event.at;
      pickup.observe({ kind: warmHit ? "warm" : "cold" }, Math.max(0, startedAt - job.firstSeenAt) / 1000);
    },
  };
}
