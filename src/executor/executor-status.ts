/**
 * The executor's status: what `GET /status` answers (the router and operators read it) and what
 * the gauges show. Keeps the original's field names at the top level, so an original router or
 * dashboard keeps working, and adds the detail an operator needs.
 */
import type { ExecutorGauges } from "../observability/executor-metrics.js";
import type { CapacitySummary } from "../shared/router-protocol.js";
import { jobKey, type Capacity, type Ledger, type ObservedJob } from "./model.js";
import { coverage, jobCounts, usage } from "./reconciler.js";
import { isWarm } from "./reconcile/warm-pool.js";

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
  /**
   * Warm pool VMs waiting for a job (docs/warm-pool.md), with their runner labels. An idle one
   * takes a matching job in seconds; one that covers no queued job gives up its slot to a job it
   * cannot serve, so it counts as free in `freeSlots`. Absent from an executor without a pool.
   */
  readonly warmVms?: ReadonlyArray<{
    name: string;
    phase: string;
    image: string;
    labels: readonly string[];
    cpu: number | null;
    memoryMiB: number | null;
    /** False while a queued job here already counts on it. */
    free: boolean;
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
  const coveredBy = coverage(ledger);
  const covered = coveredBy.size;
  const uncovered = Math.max(0, counts.queued - covered);
  const covering = new Set(coveredBy.values());
  const warmVms = [...ledger.vms.values()]
    .filter(
      (vm) =>
        isWarm(vm) &&
        vm.servingJob === null &&
        ["cloning", "booting", "provisioning", "idle"].includes(vm.phase),
    )
    .map((vm) => ({
      name: vm.name,
      phase: vm.phase,
      image: vm.spec.image,
      labels: vm.spec.labels,
      cpu: vm.spec.cpu,
      memoryMiB: vm.spec.memoryMiB,
      free: !covering.has(vm.name),
    }));
  const reclaimable = warmVms.filter((vm) => vm.free).length;
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
    freeSlots: capacity.accepting ? Math.max(0, capacity.maxVms - used.vms + reclaimable - uncovered) : 0,
    uncoveredJobs: uncovered,
    vms: [...ledger.vms.values()].map((vm) => ({
      name: vm.name,
      phase: vm.phase,
      image: vm.spec.image,
      ageSeconds: Math.round((input.now - vm.createdAt) / 1000),
      forJob: vm.forJob,
      servingJob: vm.servingJob,
    })),
    ...(warmVms.length === 0 ? {} : { warmVms }),
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

/** Labels of the idle warm VMs that no queued job counts on, for the router's preference. */
function warmLabels(status: ExecutorStatus): { warmLabels?: string[][] } {
  const labels = (status.warmVms ?? [])
    .filter((vm) => vm.free && vm.phase === "idle")
    .map((vm) => [...vm.labels]);
  return labels.length === 0 ? {} : { warmLabels: labels };
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
    ...warmLabels(status),
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
  // A free warm VM either serves the job or gives up its room to it.
  const warm = (status.warmVms ?? []).filter((vm) => vm.free);
  const cpuUsed = status.cpuUsed - warm.reduce((sum, vm) => sum + (vm.cpu ?? 0), 0);
  const memoryUsed = status.memoryUsed - warm.reduce((sum, vm) => sum + (vm.memoryMiB ?? 0), 0);
  if (status.cpuLimit !== null && cpuUsed + (job.spec.cpu ?? 0) > status.cpuLimit) return false;
  if (status.totalMemory !== null && memoryUsed + (job.spec.memoryMiB ?? 0) > status.totalMemory)
    return false;
  return true;
}
