/**
 * The warm pool: VMs booted ahead of any job, each with an idle runner, kept at `count` per pool
 * spec. Jobs come first: a warm VM is torn down when a queued job needs its slot, and a pool is
 * refilled only when no queued job is waiting for room. Rules: ../../../docs/warm-pool.md.
 *
 * A warm VM is an ordinary ledger VM whose `forJob` is its pool's key (`warm:…`), which names no
 * job: GitHub hands it whichever queued job its labels match, and from then on it is a busy VM
 * like any other.
 */
import type { Action, Capacity, Ledger, ReconcilePolicy, VmRecord, VmSpec } from "../model.js";
import { fits, usage, withSpec, type Usage } from "./capacity.js";
import { isCoverable, queuedJobs } from "./coverage.js";
import { vmsByAge } from "./order.js";
import { pastDeadline } from "./vm-rules.js";

/** Prefix of a warm VM's `forJob`: no job key starts with it (job keys start with the repository). */
export const WARM_PREFIX = "warm:";

export interface WarmPool {
  /** `forJob` of this pool's VMs; see warmPoolKey. */
  readonly key: string;
  /** What the pool's VMs are built with; `labels` are the runner's labels. */
  readonly spec: VmSpec;
  readonly count: number;
}

export interface WarmPoolPolicy {
  readonly pools: readonly WarmPool[];
  /** A warm VM older than this is replaced when no job needs it. */
  readonly maxAgeMs: number;
}

/** The pool key of a spec: image and size, e.g. `warm:ghcr.io/cirruslabs/macos-sequoia-xcode:16 cpu=4`. */
export function warmPoolKey(spec: VmSpec): string {
  const cpu = spec.cpu === null ? "" : ` cpu=${spec.cpu}`;
  const memory = spec.memoryMiB === null ? "" : ` memory=${spec.memoryMiB}`;
  return `${WARM_PREFIX}${spec.image}${cpu}${memory}`;
}

export function isWarm(vm: { readonly forJob: string }): boolean {
  return vm.forJob.startsWith(WARM_PREFIX);
}

/** The configured pool a warm VM belongs to: same key and the very same spec (labels included). */
export function poolOf(vm: VmRecord, warm: WarmPoolPolicy): WarmPool | undefined {
  return warm.pools.find((pool) => pool.key === vm.forJob && sameSpec(pool.spec, vm.spec));
}

function sameSpec(a: VmSpec, b: VmSpec): boolean {
  const labels = (spec: VmSpec): string =>
    [...new Set(spec.labels.map((l) => l.toLowerCase()))].sort().join("\n");
  return a.image === b.image && a.cpu === b.cpu && a.memoryMiB === b.memoryMiB && labels(a) === labels(b);
}

export interface WarmContext {
  readonly ledger: Ledger;
  readonly now: number;
  readonly capacity: Capacity;
  readonly policy: ReconcilePolicy;
  readonly warm: WarmPoolPolicy;
  /** Names of the VMs that cover a queued job in this pass. */
  readonly covering: ReadonlySet<string>;
}

/**
 * What happens to a warm VM that still waits for a job (coverable), or null when nothing does.
 * A warm VM that took a job is an ordinary busy VM and gets no answer here. The idle deadline and
 * the idle clock do not apply to warm VMs: waiting idle is their purpose, bounded by maxAge.
 */
export function decideWarmVm(vm: VmRecord, ctx: WarmContext, surplus: ReadonlySet<string>): Action | null {
  if (vm.phase !== "idle") {
    const late = pastDeadline(vm, ctx);
    if (late !== null) return late;
  }
  if (ctx.covering.has(vm.name))
    return vm.unneededSince === null ? null : { type: "mark-vm-needed", vm: vm.name };
  if (!ctx.capacity.accepting) return teardown(vm, "warm VM: the executor is draining");
  if (poolOf(vm, ctx.warm) === undefined) return teardown(vm, "warm VM: its pool is no longer configured");
  if (surplus.has(vm.name)) return teardown(vm, "warm VM: more than the pool's count");
  if (ctx.now - vm.createdAt >= ctx.warm.maxAgeMs) {
    return teardown(vm, `warm VM: older than warmPool.maxAge (${Math.round(ctx.warm.maxAgeMs / 1000)} s)`);
  }
  return null;
}

/** Warm VMs beyond their pool's count that cover no job: the youngest go first. */
export function surplusWarmVms(ctx: WarmContext): Set<string> {
  const surplus = new Set<string>();
  for (const pool of ctx.warm.pools) {
    const members = waiting(ctx).filter((vm) => poolOf(vm, ctx.warm) === pool);
    let excess = members.length - pool.count;
    for (const vm of [...members].reverse()) {
      if (excess <= 0) break;
      if (ctx.covering.has(vm.name)) continue;
      surplus.add(vm.name);
      excess -= 1;
    }
  }
  return surplus;
}

/**
 * A VM started for a job that a warm VM took instead (GitHub gives a job to whichever matching
 * runner is online first): it was made for nothing that is left, so it goes now instead of idling
 * in the slot the pool needs. Only for a VM that covers no other queued job.
 */
export function leftoverColdVm(vm: VmRecord, ctx: WarmContext): Action | null {
  if (isWarm(vm) || !isCoverable(vm) || ctx.covering.has(vm.name)) return null;
  const taker = [...ctx.ledger.vms.values()].find((other) => other.servingJob === vm.forJob && isWarm(other));
  if (taker === undefined) return null;
  return teardown(vm, `job ${vm.forJob} was taken by warm VM ${taker.name}`);
}

/**
 * Warm VMs to tear down so that queued jobs which no VM covers and that were not started in this
 * pass get room, in arrival order. Room already being freed (VMs tearing down, or torn down in
 * this pass) counts first; warm VMs go (youngest first) only if that makes the job fit, and the
 * first job that cannot be made to fit stops the rest (strict arrival order).
 */
export function evictions(
  ctx: WarmContext,
  covered: ReadonlyMap<string, string>,
  decided: ReadonlyMap<string, Action>,
  jobActions: readonly Action[],
): Action[] {
  if (!ctx.capacity.accepting) return [];
  const handled = handledJobs(jobActions);
  let projected = sum(
    [...ctx.ledger.vms.values()]
      .filter((vm) => vm.phase !== "tearing-down" && decided.get(vm.name)?.type !== "teardown-vm")
      .map((vm) => vm.spec),
  );
  for (const action of jobActions)
    if (action.type === "start-vm") projected = withSpec(projected, action.spec);
  const candidates = waiting(ctx)
    .reverse()
    .filter((vm) => isWarm(vm) && !ctx.covering.has(vm.name) && !decided.has(vm.name));
  const evicted: Action[] = [];
  for (const job of queuedJobs(ctx.ledger)) {
    if (covered.has(job.key) || handled.has(job.key)) continue;
    let room = projected;
    let chosen = 0;
    for (; !fits(room, job.spec, ctx.capacity) && chosen < candidates.length; chosen += 1) {
      room = without(room, candidates[chosen]?.spec);
    }
    if (!fits(room, job.spec, ctx.capacity)) return evicted;
    for (const vm of candidates.splice(0, chosen)) {
      evicted.push(teardown(vm, `warm VM: evicted, job ${job.key} needs its slot`));
    }
    projected = withSpec(room, job.spec);
  }
  return evicted;
}

/**
 * Starts that bring each pool back to its count, in pool order, within capacity — only while
 * accepting and only when every queued job that no VM covers was started or given up in this
 * pass: the pool never takes a slot a waiting job needs.
 */
export function refills(
  ctx: WarmContext,
  covered: ReadonlyMap<string, string>,
  decided: ReadonlyMap<string, Action>,
  jobActions: readonly Action[],
): Action[] {
  if (!ctx.capacity.accepting) return [];
  const handled = handledJobs(jobActions);
  if (queuedJobs(ctx.ledger).some((job) => !covered.has(job.key) && !handled.has(job.key))) return [];
  let used = usage(ctx.ledger);
  for (const action of jobActions) if (action.type === "start-vm") used = withSpec(used, action.spec);
  const actions: Action[] = [];
  for (const pool of ctx.warm.pools) {
    const have = waiting(ctx).filter(
      (vm) => poolOf(vm, ctx.warm) === pool && decided.get(vm.name)?.type !== "teardown-vm",
    ).length;
    for (let n = have; n < pool.count && fits(used, pool.spec, ctx.capacity); n += 1) {
      actions.push({ type: "start-vm", forJob: pool.key, spec: pool.spec });
      used = withSpec(used, pool.spec);
    }
  }
  return actions;
}

/** Warm VMs that have not taken a job (on their way to, or are, an idle runner), oldest first. */
function waiting(ctx: WarmContext): VmRecord[] {
  return vmsByAge(ctx.ledger).filter((vm) => isWarm(vm) && isCoverable(vm));
}

function sum(specs: readonly VmSpec[]): Usage {
  return specs.reduce(withSpec, { vms: 0, cpu: 0, memoryMiB: 0 });
}

function without(used: Usage, spec: VmSpec | undefined): Usage {
  if (spec === undefined) return used;
  return {
    vms: used.vms - 1,
    cpu: used.cpu - (spec.cpu ?? 0),
    memoryMiB: used.memoryMiB - (spec.memoryMiB ?? 0),
  };
}

function teardown(vm: VmRecord, reason: string): Action {
  return { type: "teardown-vm", vm: vm.name, reason, failure: false };
}

/** Jobs this pass already acts on: started or given up. */
function handledJobs(jobActions: readonly Action[]): Set<string> {
  return new Set(
    jobActions.flatMap((a) => (a.type === "start-vm" ? [a.forJob] : a.type === "give-up-job" ? [a.job] : [])),
  );
}
