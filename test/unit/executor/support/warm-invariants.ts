/**
 * The warm pool's invariants, restated independently of src/executor/reconcile/warm-pool.ts.
 * Checked on every pass (starts) and whenever the reconciler has nothing more to ask (settled).
 */
import { coverage, usage } from "../../../../src/executor/reconciler.js";
import type { WarmPoolPolicy } from "../../../../src/executor/reconcile/warm-pool.js";
import type { Action, Capacity, Ledger, VmRecord, VmSpec } from "../../../../src/executor/model.js";
import type { ReconcileInput } from "../../../../src/executor/reconciler.js";

type Used = ReturnType<typeof usage>;

export function isWarmVm(vm: { readonly forJob: string }): boolean {
  return vm.forJob.startsWith("warm:");
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

function waitingForJob(vm: VmRecord): boolean {
  return vm.servingJob === null && ["cloning", "booting", "provisioning", "idle"].includes(vm.phase);
}

function queuedUncovered(ledger: Ledger, covered: ReadonlyMap<string, string>) {
  return [...ledger.jobs.values()]
    .filter((job) => job.status === "queued" && job.givenUp === null && !covered.has(job.key))
    .sort((a, b) => a.seq - b.seq);
}

function plus(used: Used, spec: VmSpec, sign = 1): Used {
  return {
    vms: used.vms + sign,
    cpu: used.cpu + sign * (spec.cpu ?? 0),
    memoryMiB: used.memoryMiB + sign * (spec.memoryMiB ?? 0),
  };
}

function fitsOneMore(used: Used, spec: VmSpec, capacity: Capacity): boolean {
  const after = plus(used, spec);
  return (
    after.vms <= capacity.maxVms &&
    (capacity.cpuLimit === null || after.cpu <= capacity.cpuLimit) &&
    (capacity.memoryLimitMiB === null || after.memoryMiB <= capacity.memoryLimitMiB)
  );
}

function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  const norm = (l: readonly string[]) => [...new Set(l.map((x) => x.toLowerCase()))].sort().join(",");
  return norm(a) === norm(b);
}

/** Members of a pool: its key, its exact spec. */
function poolMembers(ledger: Ledger, warm: WarmPoolPolicy, index: number): VmRecord[] {
  const pool = warm.pools[index];
  if (pool === undefined) return [];
  return [...ledger.vms.values()].filter(
    (vm) =>
      vm.forJob === pool.key &&
      vm.spec.image === pool.spec.image &&
      vm.spec.cpu === pool.spec.cpu &&
      vm.spec.memoryMiB === pool.spec.memoryMiB &&
      sameLabels(vm.spec.labels, pool.spec.labels),
  );
}

/** A warm start is for a configured pool below its count, while accepting, and only when no queued job waits for room. */
export function checkWarmStart(
  world: ReconcileInput,
  covered: ReadonlyMap<string, string>,
  actions: readonly Action[],
  action: Extract<Action, { type: "start-vm" }>,
): void {
  const warm = world.warm;
  check(warm !== undefined, `warm start ${action.forJob} without a pool`);
  if (warm === undefined) return;
  check(world.capacity.accepting, "warm start while draining");
  const index = warm.pools.findIndex((p) => p.key === action.forJob);
  const pool = warm.pools[index];
  check(
    pool !== undefined && pool.spec === action.spec,
    `warm start ${action.forJob} for no configured pool`,
  );
  if (pool === undefined) return;
  const members = poolMembers(world.ledger, warm, index).filter(waitingForJob);
  const leaving = new Set(actions.flatMap((a) => (a.type === "teardown-vm" ? [a.vm] : [])));
  const starts = actions.filter((a) => a.type === "start-vm" && a.forJob === pool.key).length;
  check(
    members.filter((vm) => !leaving.has(vm.name)).length + starts <= pool.count,
    `warm pool ${pool.key} started beyond its count ${pool.count}`,
  );
  const jobStarts = new Set(actions.flatMap((a) => (a.type === "start-vm" ? [a.forJob] : [])));
  const givingUp = new Set(actions.flatMap((a) => (a.type === "give-up-job" ? [a.job] : [])));
  const waiting = queuedUncovered(world.ledger, covered).find(
    (job) => !jobStarts.has(job.key) && !givingUp.has(job.key),
  );
  check(waiting === undefined, `warm start for ${pool.key} while ${waiting?.key} waits for room`);
}

export function checkWarmSettled(world: ReconcileInput, warm: WarmPoolPolicy): void {
  const { ledger, now, capacity } = world;
  const covered = coverage(ledger);
  const covering = new Set(covered.values());
  const vms = [...ledger.vms.values()];
  const idleWarm = vms.filter((vm) => isWarmVm(vm) && waitingForJob(vm) && !covering.has(vm.name));

  for (const vm of idleWarm) {
    check(capacity.accepting, `${vm.name} is kept warm while draining`);
    check(now - vm.createdAt < warm.maxAgeMs, `${vm.name} is kept warm past maxAge`);
    check(
      warm.pools.some((_, i) => poolMembers(ledger, warm, i).includes(vm)),
      `${vm.name} is warm for no configured pool`,
    );
    check(vm.unneededSince === null, `${vm.name} is warm but on the idle clock`);
  }
  for (const vm of vms) {
    if (isWarmVm(vm) && waitingForJob(vm) && vm.phase !== "idle") {
      check(now - vm.phaseSince <= world.policy.phaseDeadlineMs[vm.phase], `${vm.name} past its deadline`);
    }
  }

  // No spare cold VM left behind by a warm hit.
  for (const vm of vms) {
    if (isWarmVm(vm) || !waitingForJob(vm) || covering.has(vm.name)) continue;
    const taker = vms.find((other) => isWarmVm(other) && other.servingJob === vm.forJob);
    check(taker === undefined, `${vm.name} idles although its job went to warm VM ${taker?.name}`);
  }

  const used = usage(ledger);
  const uncovered = queuedUncovered(ledger, covered);
  warm.pools.forEach((pool, index) => {
    const members = poolMembers(ledger, warm, index).filter(waitingForJob);
    // Never more than count, unless the extra ones are about to take queued jobs.
    check(
      members.length <= pool.count || members.every((vm) => covering.has(vm.name)),
      `${pool.key} keeps ${members.length} warm VMs for a count of ${pool.count}`,
    );
    // Refilled (a taken warm VM is replaced) whenever nothing queued waits and there is room.
    if (capacity.accepting && uncovered.length === 0 && members.length < pool.count) {
      check(
        !fitsOneMore(used, pool.spec, capacity),
        `${pool.key} has ${members.length} of ${pool.count} and room`,
      );
    }
  });

  // The pool never holds room a waiting job needs: either the room is already being freed, or
  // tearing down every idle warm VM would still not make the first waiting job fit.
  const head = uncovered[0];
  if (head !== undefined && capacity.accepting) {
    const staying = vms.filter((vm) => vm.phase !== "tearing-down");
    const stayingUse = staying.reduce((u, vm) => plus(u, vm.spec), { vms: 0, cpu: 0, memoryMiB: 0 });
    const withoutWarm = idleWarm.reduce((u, vm) => plus(u, vm.spec, -1), stayingUse);
    check(
      fitsOneMore(stayingUse, head.spec, capacity) || !fitsOneMore(withoutWarm, head.spec, capacity),
      `${head.key} waits while idle warm VMs hold the room it needs`,
    );
  }
}
