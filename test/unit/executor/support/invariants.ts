/** The invariants the property tests assert on every event and every reconcile pass. */
import { isDeepStrictEqual } from "node:util";
import { applyEvent } from "../../../../src/executor/ledger.js";
import { coverage, reconcile, usage } from "../../../../src/executor/reconciler.js";
import type {
  Action,
  JobRecord,
  JobStatus,
  Ledger,
  LedgerEvent,
  VmPhase,
  VmRecord,
  VmSpec,
} from "../../../../src/executor/model.js";
import type { ReconcileInput } from "../../../../src/executor/reconciler.js";
import type { Observer } from "./world.js";
import { checkWarmSettled, checkWarmStart, isWarmVm } from "./warm-invariants.js";

const STATUS_RANK: Readonly<Record<JobStatus, number>> = {
  queued: 0,
  waiting: 0,
  in_progress: 1,
  completed: 2,
};
const PHASE_RANK: Readonly<Record<VmPhase, number>> = {
  cloning: 0,
  booting: 1,
  provisioning: 2,
  idle: 3,
  busy: 4,
  "tearing-down": 5,
};

// The oracles below restate the rules independently of the code under test.

/** On its way to, or is, an idle runner that took no job. */
function isCoverable(vm: VmRecord): boolean {
  return vm.servingJob === null && ["cloning", "booting", "provisioning", "idle"].includes(vm.phase);
}

/** Coverable, or busy with a job no delivery has named yet (it took one of the queued jobs). */
function canCover(vm: VmRecord): boolean {
  return isCoverable(vm) || (vm.servingJob === null && vm.phase === "busy");
}

/** Its last VM failed less than `retryBackoffMs · 2^(attempts − 1)` ago: no new VM yet. */
export function inBackoff(job: JobRecord, now: number, policy: { retryBackoffMs?: number }): boolean {
  if (job.lastFailureAt === null || job.attempts === 0) return false;
  return now < job.lastFailureAt + (policy.retryBackoffMs ?? 0) * Math.pow(2, job.attempts - 1);
}

/** Queued on GitHub and still served by us. */
function needsRunner(job: JobRecord): boolean {
  return job.status === "queued" && job.givenUp === null;
}

/** Same image, and every job label among the VM's, ignoring case. */
function canServe(vm: VmSpec, job: VmSpec): boolean {
  const labels = vm.labels.map((l) => l.toLowerCase());
  return vm.image === job.image && job.labels.every((l) => labels.includes(l.toLowerCase()));
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

/**
 * The checks, with the memory they need: which VM incarnations already reported a failure
 * against which job record.
 */
export function createInvariants(): Observer {
  return {
    onEvent(before: Ledger, event: LedgerEvent, after: Ledger): void {
      checkEvent(before, event, after);
      checkAttempts(before, event, after);
    },
    onPass(state: ReconcileInput, actions: readonly Action[]): void {
      checkActions(state, actions);
      if (actions.length === 0) checkSettled(state);
    },
  };
}

function checkEvent(before: Ledger, event: LedgerEvent, after: Ledger): void {
  check(isDeepStrictEqual(applyEvent(after, event), after), `applying ${event.type} twice differs from once`);
  check(after.nextSeq >= before.nextSeq, "nextSeq went backwards");
  for (const [key, job] of after.jobs) {
    const old = before.jobs.get(key);
    if (old === undefined) continue;
    check(
      STATUS_RANK[job.status] >= STATUS_RANK[old.status],
      `${key} went from ${old.status} to ${job.status}`,
    );
    check(old.status !== "completed" || job.completedAt === old.completedAt, `${key} completed twice`);
    check(job.seq === old.seq, `${key} changed its seq`);
    check(old.givenUp === null || isDeepStrictEqual(job.givenUp, old.givenUp), `${key} give-up changed`);
  }
  for (const [name, vm] of after.vms) {
    const old = before.vms.get(name);
    if (old === undefined) continue;
    check(PHASE_RANK[vm.phase] >= PHASE_RANK[old.phase], `${name} went from ${old.phase} to ${vm.phase}`);
    check(old.servingJob === null || vm.servingJob === old.servingJob, `${name} changed its served job`);
    check(
      vm.phase !== old.phase || vm.phaseSince === old.phaseSince,
      `${name} restarted its ${vm.phase} clock`,
    );
  }
}

/**
 * Attempts grow only by a vm-failed, by one, for a VM that had not taken a job and had not failed
 * before, made for a job still waiting for a runner (in either order relative to its tearing-down).
 */
function checkAttempts(before: Ledger, event: LedgerEvent, after: Ledger): void {
  const vm = event.type === "vm-failed" ? before.vms.get(event.vm) : undefined;
  for (const [key, job] of after.jobs) {
    const old = before.jobs.get(key);
    if (old === undefined) continue;
    const delta = job.attempts - old.attempts;
    const countable =
      vm !== undefined &&
      vm.forJob === key &&
      !vm.tookJob &&
      vm.failure === null &&
      old.givenUp === null &&
      (old.status === "queued" || old.status === "waiting");
    check(delta === (countable ? 1 : 0), `${key} attempts moved by ${delta}`);
    // The retry backoff runs from the failure that counted, and only such a failure moves it.
    const failedAt = delta === 1 && event.type === "vm-failed" ? event.at : old.lastFailureAt;
    check(job.lastFailureAt === failedAt, `${key} lastFailureAt is ${job.lastFailureAt}, not ${failedAt}`);
  }
}

/** Same ledger content, maps filled in the opposite order. */
function reversed(ledger: Ledger): Ledger {
  return {
    jobs: new Map([...ledger.jobs].reverse()),
    vms: new Map([...ledger.vms].reverse()),
    nextSeq: ledger.nextSeq,
  };
}

export function checkActions(world: ReconcileInput, actions: readonly Action[]): void {
  const { ledger, now, capacity, policy } = world;
  const again = reconcile({ ledger: reversed(ledger), now, capacity, policy, warm: world.warm });
  check(isDeepStrictEqual(again, actions), "reconcile is not deterministic");

  const covered = coverage(ledger);
  checkArrivalOrder(ledger, covered, actions, (job) => inBackoff(job, now, policy));
  const touched = new Set<string>();
  let used = usage(ledger);
  for (const action of actions) {
    switch (action.type) {
      case "teardown-vm":
      case "mark-vm-needed":
      case "mark-vm-unneeded": {
        const vm = ledger.vms.get(action.vm);
        check(
          vm !== undefined && vm.phase !== "tearing-down",
          `${action.type} for ${action.vm}, absent or tearing down`,
        );
        check(!touched.has(action.vm), `two actions for ${action.vm}`);
        touched.add(action.vm);
        break;
      }
      case "start-vm": {
        if (isWarmVm(action)) {
          checkWarmStart(world, covered, actions, action);
          used = {
            vms: used.vms + 1,
            cpu: used.cpu + (action.spec.cpu ?? 0),
            memoryMiB: used.memoryMiB + (action.spec.memoryMiB ?? 0),
          };
          checkWithin(used, world, "warm starts exceed capacity");
          break;
        }
        const job = ledger.jobs.get(action.forJob);
        check(job !== undefined && needsRunner(job), `start for ${action.forJob}, which needs no runner`);
        check(
          job !== undefined && job.attempts < policy.maxAttempts,
          `start for ${action.forJob} past its attempts`,
        );
        check(!covered.has(action.forJob), `start for ${action.forJob}, which is covered`);
        check(
          job !== undefined && !inBackoff(job, now, policy),
          `start for ${action.forJob} during its retry backoff`,
        );
        check(capacity.accepting, "start while draining");
        used = {
          vms: used.vms + 1,
          cpu: used.cpu + (action.spec.cpu ?? 0),
          memoryMiB: used.memoryMiB + (action.spec.memoryMiB ?? 0),
        };
        checkWithin(used, world, "starts exceed capacity");
        break;
      }
      case "give-up-job": {
        const job = ledger.jobs.get(action.job);
        check(job !== undefined && job.givenUp === null, `give-up for ${action.job}, absent or given up`);
        break;
      }
      case "prune-job": {
        const job = ledger.jobs.get(action.job);
        check(
          job !== undefined && (job.status === "completed" || job.givenUp !== null),
          `prune of live ${action.job}`,
        );
        const referenced = [...ledger.vms.values()].some(
          (vm) => vm.forJob === action.job || vm.servingJob === action.job,
        );
        check(!referenced, `prune of ${action.job}, which a VM refers to`);
        break;
      }
    }
  }
}

/** A start for a job implies a start for every older uncovered job that is not being given up. */
function checkArrivalOrder(
  ledger: Ledger,
  covered: ReadonlyMap<string, string>,
  actions: readonly Action[],
  backingOff: (job: JobRecord) => boolean,
): void {
  const started = new Set(actions.flatMap((a) => (a.type === "start-vm" ? [a.forJob] : [])));
  const givingUp = new Set(actions.flatMap((a) => (a.type === "give-up-job" ? [a.job] : [])));
  // A job waiting out its retry backoff is passed over (it keeps its share of the capacity).
  const waiting = [...ledger.jobs.values()]
    .filter((job) => needsRunner(job) && !covered.has(job.key) && !givingUp.has(job.key) && !backingOff(job))
    .sort((a, b) => a.seq - b.seq);
  const firstSkipped = waiting.findIndex((job) => !started.has(job.key));
  if (firstSkipped === -1) return;
  const overtaking = waiting.slice(firstSkipped + 1).find((job) => started.has(job.key));
  check(overtaking === undefined, `${overtaking?.key} started before older ${waiting[firstSkipped]?.key}`);
}

function checkWithin(used: ReturnType<typeof usage>, world: ReconcileInput, message: string): void {
  const { capacity } = world;
  check(used.vms <= capacity.maxVms, `${message}: ${used.vms} VMs`);
  check(capacity.cpuLimit === null || used.cpu <= capacity.cpuLimit, `${message}: ${used.cpu} CPUs`);
  check(capacity.memoryLimitMiB === null || used.memoryMiB <= capacity.memoryLimitMiB, `${message}: memory`);
}

/** What must hold once the reconciler has nothing more to ask for. */
export function checkSettled(world: ReconcileInput): void {
  const { ledger, now, capacity, policy } = world;
  const used = usage(ledger);
  checkWithin(used, world, "ledger exceeds capacity");

  const covered = coverage(ledger);
  const coveringVms = new Set(covered.values());
  check(coveringVms.size === covered.size, "a VM covers two jobs");
  for (const [key, name] of covered) {
    const vm = ledger.vms.get(name);
    const job = ledger.jobs.get(key);
    check(vm !== undefined && canCover(vm), `${name} covers ${key} but cannot`);
    check(
      vm !== undefined && job !== undefined && canServe(vm.spec, job.spec),
      `${name} cannot serve ${key}`,
    );
  }

  const free = [...ledger.vms.values()].filter((vm) => canCover(vm) && !coveringVms.has(vm.name));
  for (const job of ledger.jobs.values()) {
    if (!needsRunner(job) || covered.has(job.key)) continue;
    // Greedy matching in arrival order leaves no free VM that could have covered a job.
    const spare = free.find((vm) => canServe(vm.spec, job.spec));
    check(spare === undefined, `${job.key} is uncovered although ${spare?.name} could serve it`);
    // A job that could never fit this host is given up rather than left to block the queue.
    check(
      (capacity.cpuLimit === null || (job.spec.cpu ?? 0) <= capacity.cpuLimit) &&
        (capacity.memoryLimitMiB === null || (job.spec.memoryMiB ?? 0) <= capacity.memoryLimitMiB),
      `${job.key} can never fit but is not given up`,
    );
  }

  // Strict arrival order: the first uncovered queued job is waiting only for room — or for its
  // retry backoff, holding its share of the room; then the same holds for the next one.
  const uncovered = [...ledger.jobs.values()]
    .filter((job) => needsRunner(job) && !covered.has(job.key))
    .sort((a, b) => a.seq - b.seq);
  let reserved = used;
  for (const head of uncovered) {
    const after = {
      vms: reserved.vms + 1,
      cpu: reserved.cpu + (head.spec.cpu ?? 0),
      memoryMiB: reserved.memoryMiB + (head.spec.memoryMiB ?? 0),
    };
    const fits =
      after.vms <= capacity.maxVms &&
      (capacity.cpuLimit === null || after.cpu <= capacity.cpuLimit) &&
      (capacity.memoryLimitMiB === null || after.memoryMiB <= capacity.memoryLimitMiB);
    check(head.attempts < policy.maxAttempts, `${head.key} is out of attempts but not given up`);
    if (fits && inBackoff(head, now, policy)) {
      reserved = after;
      continue;
    }
    check(!capacity.accepting || !fits, `${head.key} is uncovered although a slot is free`);
    break;
  }

  if (world.warm !== undefined) checkWarmSettled(world, world.warm);
  for (const vm of ledger.vms.values()) {
    if (vm.phase === "tearing-down") continue;
    // A warm VM waiting for a job has no idle deadline and no idle clock (checkWarmSettled).
    if (isWarmVm(vm) && isCoverable(vm)) continue;
    check(
      now - vm.phaseSince <= policy.phaseDeadlineMs[vm.phase],
      `${vm.name} is past its ${vm.phase} deadline`,
    );
    if (isCoverable(vm)) {
      if (coveringVms.has(vm.name)) {
        check(vm.unneededSince === null, `${vm.name} covers a job but is marked unneeded`);
      } else {
        check(vm.unneededSince !== null, `${vm.name} covers nothing but is not marked unneeded`);
        check(
          now - (vm.unneededSince ?? now) < policy.idleTimeoutMs,
          `${vm.name} unneeded past the idle timeout`,
        );
        const forJob = ledger.jobs.get(vm.forJob);
        check(
          forJob !== undefined && forJob.status !== "completed" && forJob.givenUp === null,
          `${vm.name} outlives the job it was made for`,
        );
      }
    }
    const served = vm.servingJob === null ? undefined : ledger.jobs.get(vm.servingJob);
    if (served?.completedAt != null) {
      check(now - served.completedAt < policy.completedGraceMs, `${vm.name} outlives its completed job`);
    }
  }

  const referenced = new Set([...ledger.vms.values()].flatMap((vm) => [vm.forJob, vm.servingJob]));
  for (const job of ledger.jobs.values()) {
    const finished = Math.max(job.completedAt ?? -Infinity, job.givenUp?.at ?? -Infinity);
    if (finished === -Infinity || referenced.has(job.key)) continue;
    check(now - finished < policy.tombstoneMs, `${job.key} outlived its tombstone period`);
  }
}
