/**
 * How one VM's life ends, decided in one place: after a failed step, after the runner or the VM
 * ended by itself, or on a teardown request. Each decides served / failed (with the reason) / torn
 * down / lost job, then the VM goes through the VM-limit diagnosis (when macOS refused it) into
 * teardown. Pure: the effects are what the shell reports and does.
 */
import { isVmLimitRefusal } from "../vm-limit-diagnosis.js";
import type { VmMachineEffect } from "./vm-machine-effect.js";
import type { VmMachineState, VmOutcome } from "./vm-machine-state.js";

export interface Transition {
  readonly state: VmMachineState;
  readonly effects: readonly VmMachineEffect[];
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A step failed (the teardown was not asked for). */
export function endAfterFailedStep(state: VmMachineState, error: unknown, at: number): Transition {
  if (!state.served && state.servedJob?.tookJob === true) {
    // The runner took a job before its log said so (GitHub's in_progress came first), and the
    // VM then died: not a failed start but a job lost mid-run.
    const effects: VmMachineEffect[] = [
      log("info", "vm ended before its runner's log showed the job it took", { err: error }),
    ];
    const lostJob = state.vmStopped && lostJobWarning(state, effects);
    return finish({ ...state, served: true, lostJob }, effects, at);
  }
  if (!state.served) return finish({ ...state, failure: describeError(error) }, [], at);
  return finish(state, [log("warn", "vm ended with an error after serving its job", { err: error })], at);
}

/** The runner exited (its log said so) or the VM stopped, once the runner had come online. */
export function endByItself(
  state: VmMachineState,
  ended: { by: "vm stopped"; lastLine: string } | { by: "runner exited"; exitCode: number | null },
  at: number,
): Transition {
  const exitCode = ended.by === "runner exited" ? ended.exitCode : null;
  const effects: VmMachineEffect[] = [
    log("info", "runner finished", { endedBy: ended.by, runnerExitCode: exitCode }),
  ];
  // GitHub's in_progress may name this runner before its log has shown the job.
  const served = state.served || state.servedJob?.tookJob === true;
  const lostJob = served && ended.by === "vm stopped" && lostJobWarning(state, effects);
  let failure: string | null = null;
  if (!served)
    failure =
      ended.by === "vm stopped"
        ? `VM stopped without serving a job: ${ended.lastLine}`
        : `runner exited without taking a job (exit ${exitCode ?? "unknown"}); see ${state.logFile}`;
  if (served && state.busySince !== null) effects.push(observe("job_run", at - state.busySince));
  return finish({ ...state, served, lostJob, failure }, effects, at);
}

/** The executor asked for the VM to go, and no step is in flight any more. */
export function endOnTeardownRequest(state: VmMachineState, at: number): Transition {
  const failure = state.teardown?.failure === true && !state.served ? state.teardown.reason : null;
  return finish({ ...state, failure }, [], at);
}

/** Into teardown, through the VM-limit diagnosis when macOS refused the VM. */
function finish(state: VmMachineState, effects: VmMachineEffect[], at: number): Transition {
  if (state.failure !== null && isVmLimitRefusal(state.failure))
    return { state: { ...state, phase: "diagnosing" }, effects: [...effects, { type: "diagnose-vm-limit" }] };
  return beginTeardown(state, effects, at);
}

/**
 * The failure and the phase change reach the ledger together, before the VM leaves its phase, or
 * the job would look uncovered, with no attempt counted, in between.
 */
export function beginTeardown(state: VmMachineState, effects: VmMachineEffect[], at: number): Transition {
  const out: VmMachineEffect[] = [...effects, { type: "ledger-phase", phase: "tearing-down" }];
  if (state.failure !== null) {
    out.push(log("error", "vm failed", { reason: state.failure }));
    out.push({ type: "ledger-failed", reason: state.failure });
  } else if (state.teardown !== null) {
    out.push(log("info", "tearing down vm", { reason: state.teardown.reason }));
  }
  const registration = state.registration.status === "ready" ? state.registration : null;
  const runnerId = registration?.runnerId ?? null;
  out.push({
    type: "teardown",
    runnerId,
    findRunnerByName: registration === null || registration.tokenRunner || runnerId === null,
  });
  return { state: { ...state, phase: "tearing-down", teardownStartedAt: at }, effects: out };
}

/** The VM and its registration are gone: the life's last reports. */
export function afterTeardown(state: VmMachineState, problems: readonly string[], at: number): Transition {
  const outcome: VmOutcome =
    state.failure !== null || state.lostJob ? "failed" : state.served ? "completed" : "torn_down";
  const effects: VmMachineEffect[] = problems.map((problem) =>
    log("error", "teardown step failed", { problem }),
  );
  effects.push(observe("teardown", at - (state.teardownStartedAt ?? at)));
  effects.push(log("info", "vm deleted", { lifetimeSeconds: Math.round((at - state.startedAt) / 1000) }));
  effects.push({ type: "count", outcome });
  return { state: { ...state, phase: "gone", outcome }, effects };
}

/**
 * The guest powered off under a running job without its runner reporting an exit: a crash, a
 * kernel panic, someone's `shutdown`. GitHub fails that job ("runner lost") unless it had already
 * finished, so the operator gets a warning naming it. Returns whether one was given.
 */
function lostJobWarning(state: VmMachineState, effects: VmMachineEffect[]): boolean {
  const job = state.servedJob;
  if (job?.completed === true) return false;
  effects.push(
    log("warn", "the VM stopped while its runner was running a job; GitHub fails that job (runner lost)", {
      job: job?.key ?? state.forJob,
      url: job?.htmlUrl ?? undefined,
    }),
  );
  return true;
}

export function log(
  level: "debug" | "info" | "warn" | "error",
  message: string,
  fields?: Readonly<Record<string, unknown>>,
): VmMachineEffect {
  return fields === undefined ? { type: "log", level, message } : { type: "log", level, message, fields };
}

export function observe(
  metric: Extract<VmMachineEffect, { type: "observe" }>["metric"],
  ms: number,
): VmMachineEffect {
  return { type: "observe", metric, seconds: ms / 1000 };
}
