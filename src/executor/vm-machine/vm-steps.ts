/**
 * The VM machine's steps that run in the guest or prepare the VM, in one place: the calls into
 * vm-prepare.ts, vm-boot.ts and runner-bootstrap.ts, each turned into the machine's success or
 * failure event. The effects shell (../vm-lifecycle.ts) calls these and feeds the events back.
 */
import type { Clock } from "../../clock.js";
import type { VmSpec } from "../model.js";
import type { GuestPort, GuestSessionPort, TartPort, TartRun } from "../ports.js";
import {
  ensureRunnerInstalled,
  startRunner,
  type GuestRunnerPaths,
  type RunnerRegistration,
} from "../runner-bootstrap.js";
import { waitForGuest, type GuestConnection } from "../vm-boot.js";
import { prepareVm } from "../vm-prepare.js";
import type { VmSettings } from "../vm-settings.js";
import type { PhaseMetric } from "./vm-machine-effect.js";
import type { VmMachineEvent } from "./vm-machine-event.js";

export const GUEST_PATHS: GuestRunnerPaths = {
  runnerDir: "~/actions-runner",
  logFile: "~/.tart-executor/runner.log",
  exitFile: "~/.tart-executor/runner.exit",
};

type Emit = (event: VmMachineEvent) => void;

export interface StepContext {
  readonly name: string;
  readonly spec: VmSpec;
  readonly signal: AbortSignal;
  readonly tart: TartPort;
  readonly guest: GuestPort;
  readonly clock: Clock;
  readonly settings: VmSettings;
  readonly observe: (metric: PhaseMetric, seconds: number) => void;
  /** Told which guest channel (agent or SSH) was chosen, and why. */
  readonly onChannel?: (chosen: { channel: "agent" | "ssh"; reason: string }) => void;
}

/** Pull (per policy), clone and set: `prepared` or `prepare-failed`. */
export function prepare(context: StepContext, emit: Emit): void {
  const { clock } = context;
  settle(
    () =>
      prepareVm(
        { name: context.name, spec: context.spec, signal: context.signal },
        { tart: context.tart, settings: context.settings, observe: context.observe, now: clock.now },
      ),
    () => emit({ type: "prepared", at: clock.now() }),
    (error) => emit({ type: "prepare-failed", at: clock.now(), error }),
  );
}

/** From `tart run` to a guest session: `guest-address`, then `guest-connected` or `guest-failed`. */
export function connectToGuest(
  context: StepContext,
  run: TartRun,
  lastLogLine: () => string,
  emit: Emit,
  connected: (guest: GuestConnection) => void,
): void {
  const { clock, settings } = context;
  settle(
    () =>
      waitForGuest(
        {
          name: context.name,
          run,
          deadline: clock.now() + settings.timeouts.bootMs,
          signal: context.signal,
          lastLogLine,
        },
        {
          tart: context.tart,
          connectGuest: (target) => context.guest.connect({ vm: context.name, ...target }),
          clock,
          ...(settings.netBridged === null ? {} : { resolver: "arp" as const }),
          channel: settings.guestChannel ?? "ssh",
          ...(context.onChannel === undefined ? {} : { onChannel: context.onChannel }),
          onIp: (ip) => emit({ type: "guest-address", at: clock.now(), ip }),
        },
      ),
    (guest) => {
      connected(guest);
      emit({ type: "guest-connected", at: clock.now() });
    },
    (error) => emit({ type: "guest-failed", at: clock.now(), error }),
  );
}

/** Copies the runner in when the image lacks it: `runner-installed` or `install-failed`. */
export function installRunner(
  context: StepContext,
  session: GuestSessionPort,
  tarball: () => Promise<Buffer>,
  emit: Emit,
): void {
  const { clock } = context;
  settle(
    () => ensureRunnerInstalled(session, GUEST_PATHS, tarball, context.signal),
    (copied) => emit({ type: "runner-installed", at: clock.now(), copied }),
    (error) => emit({ type: "install-failed", at: clock.now(), error }),
  );
}

/** Starts the runner detached with its registration: `runner-started` or `runner-start-failed`. */
export function launchRunner(
  context: StepContext,
  session: GuestSessionPort,
  registration: RunnerRegistration,
  emit: Emit,
): void {
  const { clock } = context;
  settle(
    () =>
      startRunner(
        session,
        GUEST_PATHS,
        registration,
        context.signal,
        context.settings.runnerEnvironment ?? {},
      ),
    () => emit({ type: "runner-started", at: clock.now() }),
    (error) => emit({ type: "runner-start-failed", at: clock.now(), error }),
  );
}

/** Runs `work`, turning a synchronous throw into a rejection, and reports exactly one outcome. */
export function settle<T>(
  work: () => Promise<T>,
  ok: (value: T) => void,
  fail: (error: unknown) => void,
): void {
  let promise: Promise<T>;
  try {
    promise = work();
  } catch (error) {
    promise = Promise.reject(error);
  }
  void promise.then(ok, fail);
}
