/**
 * The ledger reducer: folds facts (LedgerEvent) into the executor's state. Total and idempotent:
 * an event about an unknown VM or job, a duplicate delivery, or a stale report returns the ledger
 * unchanged (the same object). Rules: ../../docs/reconciler.md.
 */
import { jobKey } from "./model.js";
import type { JobRecord, JobStatus, Ledger, LedgerEvent, ObservedJob, VmPhase, VmRecord } from "./model.js";

/** How many delivery ids a job remembers for de-duplication. */
const MAX_DELIVERIES = 20;

/** Phases only move forward: a late "idle" report must not make a busy VM coverable again. */
const PHASE_RANK: Readonly<Record<VmPhase, number>> = {
  cloning: 0,
  booting: 1,
  provisioning: 2,
  idle: 3,
  busy: 4,
  "tearing-down": 5,
};

export function emptyLedger(): Ledger {
  return { jobs: new Map(), vms: new Map(), nextSeq: 1 };
}

export function applyEvent(ledger: Ledger, event: LedgerEvent): Ledger {
  switch (event.type) {
    case "job-observed":
      return observeJob(ledger, event.at, event.deliveryId, event.job);
    case "vm-started":
      if (ledger.vms.has(event.vm)) return ledger;
      return withVm(ledger, {
        name: event.vm,
        spec: event.spec,
        phase: "cloning",
        phaseSince: event.at,
        createdAt: event.at,
        forJob: event.forJob,
        servingJob: null,
        runnerId: null,
        unneededSince: null,
        tookJob: false,
        failure: null,
      });
    case "vm-phase":
      return setPhase(ledger, event.vm, event.phase, event.at, event.runnerId);
    case "vm-failed":
      return failVm(ledger, event.vm, event.at, event.reason);
    case "vm-gone": {
      if (!ledger.vms.has(event.vm)) return ledger;
      const vms = new Map(ledger.vms);
      vms.delete(event.vm);
      return { ...ledger, vms };
    }
    case "vm-unneeded": {
      const vm = ledger.vms.get(event.vm);
      if (vm === undefined || vm.unneededSince !== null) return ledger;
      return withVm(ledger, { ...vm, unneededSince: event.at });
    }
    case "vm-needed": {
      const vm = ledger.vms.get(event.vm);
      if (vm === undefined || vm.unneededSince === null) return ledger;
      return withVm(ledger, { ...vm, unneededSince: null });
    }
    case "job-given-up": {
      const job = ledger.jobs.get(event.job);
      // The first give-up wins: its reason and time are what the tombstone clock runs from.
      if (job === undefined || job.givenUp !== null) return ledger;
      return withJob(ledger, { ...job, givenUp: { reason: event.reason, at: event.at } });
    }
    case "job-pruned": {
      if (!ledger.jobs.has(event.job)) return ledger;
      const jobs = new Map(ledger.jobs);
      jobs.delete(event.job);
      return { ...ledger, jobs };
    }
  }
}

function observeJob(ledger: Ledger, at: number, deliveryId: string, observed: ObservedJob): Ledger {
  const key = jobKey(observed.repo, observed.jobId, observed.runAttempt);
  const existing = ledger.jobs.get(key);
  if (existing?.deliveries.includes(deliveryId)) return ledger;
  const job =
    existing === undefined
      ? newJob(key, at, deliveryId, observed, ledger.nextSeq)
      : mergeObservation(existing, at, deliveryId, observed);
  const nextSeq = existing === undefined ? ledger.nextSeq + 1 : ledger.nextSeq;
  const next: Ledger = { jobs: new Map(ledger.jobs).set(key, job), vms: ledger.vms, nextSeq };
  return bindRunner(next, key, observed, at);
}

function newJob(key: string, at: number, deliveryId: string, o: ObservedJob, seq: number): JobRecord {
  // A first-ever `completed` becomes a tombstone, so that a late `queued` cannot revive the job.
  return {
    key,
    repo: o.repo,
    jobId: o.jobId,
    runId: o.runId,
    runAttempt: o.runAttempt,
    name: o.name,
    htmlUrl: o.htmlUrl,
    spec: o.spec,
    status: o.status,
    conclusion: o.conclusion,
    runnerName: o.runnerName,
    deliveries: [deliveryId],
    seq,
    firstSeenAt: at,
    updatedAt: at,
    completedAt: o.status === "completed" ? at : null,
    attempts: 0,
    lastFailure: null,
    lastFailureAt: null,
    givenUp: null,
  };
}

function mergeObservation(job: JobRecord, at: number, deliveryId: string, o: ObservedJob): JobRecord {
  const deliveries = [...job.deliveries, deliveryId].slice(-MAX_DELIVERIES);
  const base = {
    ...job,
    deliveries,
    updatedAt: Math.max(job.updatedAt, at),
    htmlUrl: job.htmlUrl ?? o.htmlUrl,
  };
  if (job.status === "completed") {
    // Final. A second `completed` may only fill in what the first one lacked.
    if (o.status !== "completed") return base;
    return {
      ...base,
      runnerName: job.runnerName ?? o.runnerName,
      conclusion: job.conclusion ?? o.conclusion,
    };
  }
  const status = nextStatus(job.status, o.status);
  const completing = status === "completed";
  return {
    ...base,
    status,
    runnerName: o.runnerName ?? job.runnerName,
    conclusion: completing ? (o.conclusion ?? job.conclusion) : job.conclusion,
    completedAt: completing ? at : null,
  };
}

/** `completed` is final, `in_progress` never goes back, `queued`/`waiting` follow the latest delivery. */
function nextStatus(current: JobStatus, observed: JobStatus): JobStatus {
  if (current === "completed" || observed === "completed") return "completed";
  if (current === "in_progress") return "in_progress";
  return observed;
}

/**
 * An `in_progress`/`completed` naming one of our VMs tells which job that VM's runner took.
 * Ephemeral runners take one job, so the first binding sticks.
 */
function bindRunner(ledger: Ledger, key: string, o: ObservedJob, at: number): Ledger {
  if ((o.status !== "in_progress" && o.status !== "completed") || o.runnerName === null) return ledger;
  const vm = ledger.vms.get(o.runnerName);
  if (vm === undefined || (vm.servingJob !== null && vm.servingJob !== key)) return ledger;
  if (vm.phase === "tearing-down") {
    return vm.servingJob === key ? ledger : withVm(ledger, { ...vm, servingJob: key, tookJob: true });
  }
  if (vm.phase === "busy") {
    // Keep phaseSince: the busy clock started when the runner said "Running job".
    if (vm.servingJob === key) return ledger;
    return withVm(ledger, { ...vm, servingJob: key, tookJob: true, unneededSince: null });
  }
  return withVm(ledger, {
    ...vm,
    servingJob: key,
    tookJob: true,
    phase: "busy",
    phaseSince: at,
    unneededSince: null,
  });
}

function setPhase(
  ledger: Ledger,
  name: string,
  phase: VmPhase,
  at: number,
  runnerId: number | undefined,
): Ledger {
  const vm = ledger.vms.get(name);
  if (vm === undefined || vm.phase === "tearing-down" || PHASE_RANK[phase] < PHASE_RANK[vm.phase]) {
    return ledger;
  }
  const nextRunnerId = runnerId ?? vm.runnerId;
  if (phase === vm.phase && nextRunnerId === vm.runnerId) return ledger;
  return withVm(ledger, {
    ...vm,
    phase,
    runnerId: nextRunnerId,
    // A repeated report of the same phase must not restart that phase's deadline.
    phaseSince: phase === vm.phase ? vm.phaseSince : at,
    unneededSince: phase === "busy" ? null : vm.unneededSince,
    tookJob: vm.tookJob || phase === "busy",
  });
}

/**
 * A VM failure counts one attempt against the job the VM was made for, at most once per VM and
 * whatever the order of `vm-phase tearing-down` and `vm-failed` (the effects shell may report
 * either first, and a replayed journal may repeat them): the VM remembers its failure.
 */
function failVm(ledger: Ledger, name: string, at: number, reason: string): Ledger {
  const vm = ledger.vms.get(name);
  if (vm === undefined || vm.failure !== null) return ledger;
  const failed = withVm(ledger, {
    ...vm,
    failure: { reason, at },
    ...(vm.phase === "tearing-down" ? {} : { phase: "tearing-down" as const, phaseSince: at }),
  });
  const job = failed.jobs.get(vm.forJob);
  if (job === undefined || !countsAttempt(vm, job)) return failed;
  return withJob(failed, { ...job, attempts: job.attempts + 1, lastFailure: reason, lastFailureAt: at });
}

/** A runner that took a job (known from the webhook or from its own log) did not fail its job. */
function countsAttempt(vm: VmRecord, job: JobRecord): boolean {
  return !vm.tookJob && job.givenUp === null && (job.status === "queued" || job.status === "waiting");
}

function withVm(ledger: Ledger, vm: VmRecord): Ledger {
  return { ...ledger, vms: new Map(ledger.vms).set(vm.name, vm) };
}

function withJob(ledger: Ledger, job: JobRecord): Ledger {
  return { ...ledger, jobs: new Map(ledger.jobs).set(job.key, job) };
}
