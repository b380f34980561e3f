/**
 * Event-loop stalls, measured two ways:
 * - `raw`: perf_hooks.monitorEventLoopDelay (what any observer sees, machine contention included);
 * - `attributable`: a 10 ms ticker; for every late tick, the CPU time the process itself used in
 *   that window (bounded by the lateness). A stall the process causes by computing shows up in
 *   full; time the process spent waiting for a CPU that other processes held does not. (Time
 *   blocked in a synchronous system call such as fsync uses no CPU either: the ledger store's
 *   fsyncs are reported separately by the caller where it can.) On a shared 2-core machine with
 *   other builds running, the raw figure measures the neighbours as much as the executor.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";

export interface LoopStalls {
  stop(): {
    readonly rawMaxMs: number;
    readonly rawP99Ms: number;
    readonly attributableMaxMs: number;
    /** Late ticks (> 50 ms) that were preempted by other processes. */
    readonly preemptedStalls: number;
  };
}

export function measureLoopStalls(): LoopStalls {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const TICK_MS = 10;
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let lastUsage = process.resourceUsage();
  let attributableMaxMs = 0;
  let preemptedStalls = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage();
    const usage = process.resourceUsage();
    const lagMs = now - last - TICK_MS;
    if (lagMs > 0) {
      const cpuMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
      const preempted = usage.involuntaryContextSwitches > lastUsage.involuntaryContextSwitches;
      attributableMaxMs = Math.max(attributableMaxMs, Math.min(lagMs, cpuMs));
      if (preempted && lagMs > 50) preemptedStalls += 1;
    }
    last = now;
    lastCpu = cpu;
    lastUsage = usage;
  }, TICK_MS);
  return {
    stop() {
      clearInterval(timer);
      histogram.disable();
      return {
        rawMaxMs: histogram.max / 1e6,
        rawP99Ms: histogram.percentile(99) / 1e6,
        attributableMaxMs,
        preemptedStalls,
      };
    },
  };
}
