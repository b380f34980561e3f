/**
 * The executor's status: what `GET /status` answers (the router and operators read it) and what
 * the gauges show. Keeps the original's field names at the top level, so an original router or
 * dashboard keeps working, and adds the detail an operator needs.
 */
import type { ExecutorGauges } from "../observability/executor-metrics.js";
import type { CapacitySummary } from "../shared/router-protocol.js";
import { jobKey, type Capacity, type Ledger, type ObservedJob } from "./model.js";
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
  /** VMs this host could start now for new jobs: free slots minus queued jobs still waiting for one. */
  readonly freeSlots: number;
  /** Queued jobs recorded here that have no VM yet. */
  readonly uncoveredJobs: number;
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
  const covered = coverage(ledger).size;
  const uncovered = Math.max(0, counts.queued - covered);
  return {
    hostname: input.hostname,
    version: input.version,
    accepting: capacity.accepting,
    inProgressJobs: counts.inProgress,
    pendingJobs: counts.queued,
    startedPendingJobs: covered,
    activeVirtualMachines: used.vms,
    virtualMachineLimit: capacity.maxVms,
    cpuLimit: capacity.cpuLimit,
    cpuUsed: used.cpu,
    totalMemory: capacity.memoryLimitMiB,
    memoryUsed: used.memoryMiB,
    freeSlots: capacity.accepting ? Math.max(0, capacity.maxVms - used.vms - uncovered) : 0,
    uncoveredJobs: uncovered,
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

/** The capacity part of the status, as the router protocol carries it. */
export function capacitySummary(status: ExecutorStatus): CapacitySummary {
  return {
    accepting: status.accepting,
    virtualMachineLimit: status.virtualMachineLimit,
    activeVirtualMachines: status.activeVirtualMachines,
    freeSlots: status.freeSlots,
    uncoveredJobs: status.uncoveredJobs,
    cpuLimit: status.cpuLimit,
    cpuUsed: status.cpuUsed,
    totalMemory: status.totalMemory,
    memoryUsed: status.memoryUsed,
  };
}

/**
 * Whether a job forwarded by the router may be recorded here: always when it is already known
 * (its later events and duplicates must land where it lives), otherwise only when a VM could be
 * started for it now — a free slot, and room in the CPU and memory budgets.
 */
export function admits(status: ExecutorStatus, ledger: Ledger, job: ObservedJob): boolean {
  if (ledger.jobs.has(jobKey(job.repo, job.jobId, job.runAttempt))) return true;
  if (status.freeSlots <= 0) return false;
  if (status.cpuLimit !== null && status.cpuUsed + (job.spec.cpu ?? 0) > status.cpuLimit) return false;
  if (status.totalMemory !== null && status.memoryUsed + (job.spec.memoryMiB ?? 0) > status.totalMemory)
    return false;
  return true;
}
