/**
 * One VM's life as a transition table (XState's shape, Orchard's VM states as the model, neither a
 * dependency): `step(state, event)` gives the next state and the effects for the shell to carry
 * out. Pure and total: an event a phase does not expect changes nothing.
 *
 *   preparing → booting → connecting → installing-runner → [awaiting-registration] →
 *   starting-runner → waiting-online → idle → busy → (diagnosing) → tearing-down → gone
 *
 * A teardown request ends the life from any phase; while a step is in flight (it was aborted with
 * the same signal) the VM waits in `stopping` for the step to give up, so the teardown never races
 * a `tart clone` or an SSH connection still being made.
 */
import type { VmMachineEffect } from "./vm-machine-effect.js";
import {
  afterTeardown,
  beginTeardown,
  endAfterFailedStep,
  endByItself,
  endOnTeardownRequest,
  log,
  observe,
  type Transition,
} from "./vm-machine-ending.js";
import type { VmMachineEvent, VmMachineEventType } from "./vm-machine-event.js";
import type { VmMachinePhase, VmMachineState } from "./vm-machine-state.js";

export type { Transition } from "./vm-machine-ending.js";

type Handler<T extends VmMachineEventType> = (
  state: VmMachineState,
  event: Extract<VmMachineEvent, { type: T }>,
) => Transition;
type Handlers = { readonly [T in VmMachineEventType]?: Handler<T> };

const failStep = (state: VmMachineState, event: { error: unknown; at: number }): Transition =>
  endAfterFailedStep(state, event.error, event.at);

/** Phases with a step in flight: a teardown request waits in `stopping` for it to give up. */
const STEP_IN_FLIGHT: ReadonlySet<VmMachinePhase> = new Set([
  "preparing",
  "booting",
  "connecting",
  "installing-runner",
  "starting-runner",
]);

const toStopping: Handler<"teardown-requested"> = (state, event) => {
  const teardown = { reason: event.reason, failure: event.failure };
  if (STEP_IN_FLIGHT.has(state.phase))
    return { state: { ...state, phase: "stopping", teardown }, effects: [] };
  const effects: VmMachineEffect[] =
    state.phase === "waiting-online" ? [{ type: "cancel-online-timer" }] : [];
  const ended = endOnTeardownRequest({ ...state, teardown }, event.at);
  return { state: ended.state, effects: [...effects, ...ended.effects] };
};

const connected: Handler<"guest-connected"> = (state, event) => ({
  state: { ...state, phase: "installing-runner", connectedAt: event.at },
  effects: [
    observe("ssh_ready", event.at - (state.bootStartedAt ?? event.at)),
    { type: "ledger-phase", phase: "provisioning" },
    { type: "install-runner" },
  ],
});

/** With the runner in the guest: start it once its registration is there. */
function afterInstall(state: VmMachineState, at: number, effects: VmMachineEffect[]): Transition {
  const registration = state.registration;
  if (registration.status === "failed") {
    const ended = endAfterFailedStep(state, registration.error, at);
    return { state: ended.state, effects: [...effects, ...ended.effects] };
  }
  if (registration.status === "ready")
    return { state: { ...state, phase: "starting-runner" }, effects: [...effects, { type: "start-runner" }] };
  return { state: { ...state, phase: "awaiting-registration" }, effects };
}

/** The runner's log stream ended or broke, or the VM stopped, before the runner came online. */
function notOnline(state: VmMachineState, error: unknown, at: number): Transition {
  const ended = endAfterFailedStep(state, error, at);
  return { state: ended.state, effects: [{ type: "cancel-online-timer" }, ...ended.effects] };
}

const tookJob = (state: VmMachineState, event: { job: string; at: number }): Transition => {
  const effects: VmMachineEffect[] = [];
  if (state.phase === "waiting-online") effects.push({ type: "cancel-online-timer" });
  if (state.onlineAt !== null) effects.push(observe("job_start", event.at - state.onlineAt));
  effects.push({ type: "ledger-phase", phase: "busy" });
  effects.push(log("info", "runner took a job", { githubJob: event.job }));
  return {
    state: { ...state, phase: "busy", served: true, busySince: state.busySince ?? event.at },
    effects,
  };
};

const runningHandlers: Handlers = {
  "runner-exited": (state, event) =>
    endByItself(state, { by: "runner exited", exitCode: event.exitCode }, event.at),
  "vm-exited": (state, event) =>
    endByItself({ ...state, vmStopped: true }, { by: "vm stopped", lastLine: event.lastLine }, event.at),
};

/** Any step finishing while the VM waits in `stopping`: now the teardown can begin. */
const stepSettled = (state: VmMachineState, event: { at: number }): Transition =>
  endOnTeardownRequest(state, event.at);

const TABLE: { readonly [P in VmMachinePhase]: Handlers } = {
  preparing: {
    prepared: (state, event) => ({
      state: { ...state, phase: "booting", bootStartedAt: event.at, registration: { status: "pending" } },
      // Ask GitHub for the registration while the VM boots, not after.
      effects: [
        { type: "ledger-phase", phase: "booting" },
        { type: "request-registration" },
        { type: "boot" },
      ],
    }),
    "prepare-failed": failStep,
  },
  booting: {
    "guest-address": (state, event) => ({
      state: { ...state, phase: "connecting" },
      effects: [
        observe("boot_to_ip", event.at - (state.bootStartedAt ?? event.at)),
        log("debug", "vm has an address", { ip: event.ip }),
      ],
    }),
    "guest-connected": connected,
    "guest-failed": failStep,
  },
  connecting: { "guest-connected": connected, "guest-failed": failStep },
  "installing-runner": {
    "runner-installed": (state, event) =>
      afterInstall(
        state,
        event.at,
        event.copied ? [log("info", "copied the cached runner into the guest")] : [],
      ),
    "install-failed": failStep,
  },
  "awaiting-registration": {
    "registration-ready": (state, event) => ({
      state: {
        ...state,
        phase: "starting-runner",
        registration: { status: "ready", runnerId: event.runnerId, tokenRunner: event.tokenRunner },
      },
      effects: [{ type: "start-runner" }],
    }),
    "registration-failed": failStep,
  },
  "starting-runner": {
    "runner-started": (state) => ({
      state: { ...state, phase: "waiting-online" },
      effects: [{ type: "follow-runner" }, { type: "start-online-timer" }],
    }),
    "runner-start-failed": failStep,
  },
  "waiting-online": {
    "runner-online": (state, event) => {
      const registration = state.registration.status === "ready" ? state.registration : null;
      const runnerId = registration?.runnerId ?? null;
      return {
        state: { ...state, phase: "idle", onlineAt: event.at, busySince: event.at },
        effects: [
          { type: "cancel-online-timer" },
          observe("runner_online", event.at - (state.connectedAt ?? event.at)),
          runnerId === null
            ? { type: "ledger-phase", phase: "idle" }
            : { type: "ledger-phase", phase: "idle", runnerId },
          log("info", "runner online"),
        ],
      };
    },
    "runner-job-started": tookJob,
    "online-deadline": (state, event) =>
      notOnline(
        state,
        new Error(`runner did not come online within ${Math.round(event.afterMs / 1000)} s`),
        event.at,
      ),
    "runner-exited": (state, event) =>
      notOnline(
        state,
        new Error(`runner exited before it came online (exit ${event.exitCode ?? "unknown"})`),
        event.at,
      ),
    "follow-failed": (state, event) => notOnline(state, event.error, event.at),
    "vm-exited": (state, event) =>
      notOnline(
        { ...state, vmStopped: true },
        new Error(`VM stopped before the runner came online: ${event.lastLine}`),
        event.at,
      ),
  },
  idle: { ...runningHandlers, "runner-job-started": tookJob },
  busy: runningHandlers,
  stopping: {
    prepared: stepSettled,
    "prepare-failed": stepSettled,
    "guest-connected": stepSettled,
    "guest-failed": stepSettled,
    "runner-installed": stepSettled,
    "install-failed": stepSettled,
    "runner-started": stepSettled,
    "runner-start-failed": stepSettled,
  },
  diagnosing: {
    "vm-limit-diagnosed": (state, event) =>
      beginTeardown(
        {
          ...state,
          failure:
            event.explanation === null || state.failure === null
              ? state.failure
              : `${state.failure} — ${event.explanation}`,
        },
        [],
        event.at,
      ),
  },
  "tearing-down": {
    "torn-down": (state, event) => afterTeardown(state, event.problems, event.at),
  },
  gone: {},
};

/** Facts recorded in every phase before the table is asked (they never end the life by themselves). */
function record(state: VmMachineState, event: VmMachineEvent): VmMachineState {
  if (event.type === "job-observed") return { ...state, servedJob: event.job };
  if (event.type === "vm-exited") return { ...state, vmStopped: true };
  if (event.type === "registration-ready")
    return {
      ...state,
      registration: { status: "ready", runnerId: event.runnerId, tokenRunner: event.tokenRunner },
    };
  if (event.type === "registration-failed" && state.registration.status === "pending")
    return { ...state, registration: { status: "failed", error: event.error } };
  return state;
}

const ACTIVE: ReadonlySet<VmMachinePhase> = new Set([
  "preparing",
  "booting",
  "connecting",
  "installing-runner",
  "awaiting-registration",
  "starting-runner",
  "waiting-online",
  "idle",
  "busy",
]);

export function step(state: VmMachineState, event: VmMachineEvent): Transition {
  if (state.phase === "gone") return { state, effects: [] };
  if (event.type === "teardown-requested") {
    if (!ACTIVE.has(state.phase)) return { state, effects: [] };
    return toStopping(record(state, event), event);
  }
  const handler = TABLE[state.phase][event.type] as Handler<typeof event.type> | undefined;
  const recorded = record(state, event);
  if (handler === undefined) return { state: recorded, effects: [] };
  return handler(recorded, event as never);
}
