/**
 * What the reconciler does with one VM: at most one action. Priority, first match wins:
 * a busy VM whose job completed past the grace period, then a phase deadline, then the
 * coverage rules (needed / unneeded / release). VMs already tearing down are left to the
 * effects shell, which owns teardown retries.
 */
import type { Action, JobRecord, Ledger, ReconcilePolicy, VmRecord } from "../model.js";
import { isCoverable } from "./coverage.js";

export interface VmContext {
  readonly ledger: Ledger;
  readonly now: number;
  readonly policy: ReconcilePolicy;
  /** Names of the VMs that cover a queued job in this pass. */
  readonly covering: ReadonlySet<string>;
}

export function decideVm(vm: VmRecord, ctx: VmContext): Action | null {
  if (vm.phase === "tearing-down") return null;
  return servedJobCompleted(vm, ctx) ?? pastDeadline(vm, ctx) ?? coverageAction(vm, ctx);
}

/** The guest normally powers off by itself when its job ends; this catches the ones that do not. */
function servedJobCompleted(vm: VmRecord, ctx: VmContext): Action | null {
  if (vm.servingJob === null) return null;
  const job = ctx.ledger.jobs.get(vm.servingJob);
  if (job === undefined || job.completedAt === null) return null;
  if (ctx.now - job.completedAt < ctx.policy.completedGraceMs) return null;
  return teardown(vm, "job completed", false);
}

export function pastDeadline(vm: VmRecord, ctx: Pick<VmContext, "now" | "policy">): Action | null {
  const deadline = ctx.policy.phaseDeadlineMs[vm.phase];
  if (ctx.now - vm.phaseSince <= deadline) return null;
  // A VM that never took a job failed its job; one that did just overran.
  return teardown(vm, `deadline: ${vm.phase} exceeded ${seconds(deadline)} s`, vm.servingJob === null);
}

function coverageAction(vm: VmRecord, ctx: VmContext): Action | null {
  if (!isCoverable(vm)) return null;
  if (ctx.covering.has(vm.name)) {
    return vm.unneededSince === null ? null : { type: "mark-vm-needed", vm: vm.name };
  }
  // Nobody queued needs it now. If the job it was made for is over, nothing will: release it.
  const over = jobOver(ctx.ledger.jobs.get(vm.forJob));
  if (over !== null) return teardown(vm, `job ${vm.forJob} ${over} before its VM was busy`, false);
  if (vm.unneededSince === null) return { type: "mark-vm-unneeded", vm: vm.name };
  if (ctx.now - vm.unneededSince >= ctx.policy.idleTimeoutMs) return teardown(vm, "idle", false);
  return null;
}

/** How the job a VM was made for ended, or null while it may still want a runner. */
function jobOver(job: JobRecord | undefined): string | null {
  if (job === undefined) return "is no longer in the ledger";
  if (job.status === "completed") return "completed";
  if (job.givenUp !== null) return "was given up";
  return null;
}

function teardown(vm: VmRecord, reason: string, failure: boolean): Action {
  return { type: "teardown-vm", vm: vm.name, reason, failure };
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? String(s) : s.toFixed(1);
}
