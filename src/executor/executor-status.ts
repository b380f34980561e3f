/**
 * The executor's status: what `GET /status` answers (the router and operators read it) and what
 * the gauges show. Keeps the original's field names at the top level, so an original router or
 * dashboard keeps working, and adds the detail an operator needs.
 */
import type { ExecutorGauges } from "../observability/executor-metrics.js";
import type { Capacity, Ledger } from "./model.js";
import { coverage, jobCounts, usage } from "./reconciler.js";

export interface ExecutorStatus {
  readonly hostname: string;
  readonly version: string;
  readonly accepting: boolean;
  readonly inProgressJobs: number;
  readonly pendingJobs: number;
  readonly startedPendingJobs: number;
  readonly activeVirtualMachines: number;
  readonly virtualMachineLimit: number;
  readonly cpuLimit: number | null;
  readonly cpuUsed: number;
  readonly totalMemory: number | null;
  readonly memoryUsed: number;
  readonly freeSlots: number;
  readonly vms: ReadonlyArray<{
    name: string;
    phase: string;
    image: string;
    ageSeconds: number;
    forJob: string;
    servingJob: string | null;
  }>;
}

export function executorStatus(input: {
  ledger: Ledger;
  capacity: Capacity;
  hostname: string;
  version: string;
  now: number;
}): ExecutorStatus {
  const { ledger, capacity } = input;
  const counts = jobCounts(ledger);
  const used = usage(ledger);
  return {
    hostname: input.hostname,
    version: input.version,
    accepting: capacity.accepting,
    inProgressJobs: counts.inProgress,
    pendingJobs: counts.queued,
    startedPendingJobs: coverage(ledger).size,
    activeVirtualMachines: used.vms,
    virtualMachineLimit: capacity.maxVms,
    cpuLimit: capacity.cpuLimit,
    cpuUsed: used.cpu,
    totalMemory: capacity.memoryLimitMiB,
    memoryUsed: used.memoryMiB,
    freeSlots: capacity.accepting ? Math.max(0, capacity.maxVms - used.vms) : 0,
    vms: [...ledger.vms.values()].map((vm) => ({
      name: vm.name,
      phase: vm.phase,
      image: vm.spec.image,
      ageSeconds: Math.round((input.now - vm.createdAt) / 1000),
      forJob: vm.forJob,
      servingJob: vm.servingJob,
    })),
  };
}

export function gaugesFromStatus(status: ExecutorStatus): ExecutorGauges {
  return {
    inProgressJobs: status.inProgressJobs,
    pendingJobs: status.pendingJobs,
    startedPendingJobs: status.startedPendingJobs,
    virtualMachines: status.activeVirtualMachines,
    virtualMachineLimit: status.virtualMachineLimit,
    cpuLimit: status.cpuLimit,
    cpuUsed: status.cpuUsed,
    totalMemory: status.totalMemory,
    memoryUsed: status.memoryUsed,
  };
}
