/** The executor's side of the admin API (src/admin/admin-port.ts). */
import type { AdminJob, ExecutorAdminPort } from "../admin/admin-port.js";
import type { Executor } from "./executor.js";
import type { ExecutorStatus } from "./executor-status.js";
import type { JobTimelines } from "./job-timelines.js";
import { jobCounts } from "./reconciler.js";

export function executorAdmin(deps: {
  executor: Executor;
  timelines: JobTimelines;
  status: () => ExecutorStatus;
  startedAt: number;
  recentJobs?: number;
}): ExecutorAdminPort {
  const { executor, timelines } = deps;
  return {
    status: () => {
      const status = deps.status();
      const counts = jobCounts(executor.ledger);
      return {
        kind: "executor",
        hostname: status.hostname,
        version: status.version,
        startedAt: new Date(deps.startedAt).toISOString(),
        accepting: status.accepting,
        draining: !status.accepting,
        slots: {
          limit: status.virtualMachineLimit,
          used: status.activeVirtualMachines,
          free: Math.max(0, status.virtualMachineLimit - status.activeVirtualMachines),
        },
        cpu: { limit: status.cpuLimit, used: status.cpuUsed },
        memoryMiB: { limit: status.totalMemory, used: status.memoryUsed },
        jobs: {
          queued: counts.queued,
          waiting: counts.waiting,
          inProgress: counts.inProgress,
          givenUp: counts.givenUp,
        },
        vms: [...executor.ledger.vms.values()].map((vm) => {
          const row = status.vms.find((candidate) => candidate.name === vm.name);
          return {
            name: vm.name,
            phase: vm.phase,
            image: vm.spec.image,
            cpu: vm.spec.cpu,
            memoryMiB: vm.spec.memoryMiB,
            ageSeconds: row?.ageSeconds ?? 0,
            forJob: vm.forJob,
            servingJob: vm.servingJob,
          };
        }),
      };
    },
    jobs: () =>
      [...executor.ledger.jobs.values()]
        .sort((a, b) => b.seq - a.seq)
        .slice(0, deps.recentJobs ?? 100)
        .map((job): AdminJob => ({
          key: job.key,
          repo: job.repo,
          jobId: job.jobId,
          runAttempt: job.runAttempt,
          name: job.name,
          url: job.htmlUrl,
          status: job.status,
          conclusion: job.conclusion,
          image: job.spec.image,
          labels: job.spec.labels,
          runnerName: job.runnerName,
          givenUp: job.givenUp?.reason ?? null,
          firstSeenAt: new Date(job.firstSeenAt).toISOString(),
          timeline: (timelines.get(job.key)?.steps ?? []).map((step) => ({
            at: new Date(step.at).toISOString(),
            step: step.step,
            ...(step.detail === undefined ? {} : { detail: step.detail }),
          })),
        })),
    cancelJob: (key) => executor.cancelJob(key, "cancelled by operator"),
    drain: () => executor.setAccepting(false),
    resume: () => executor.setAccepting(true),
  };
}
