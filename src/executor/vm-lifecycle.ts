/**
 * One VM's life, from clone to delete: the effects shell around the VM machine
 * (./vm-machine/vm-machine-step.ts). It carries out the machine's effects through the ports and
 * feeds what happens back as events; the machine decides everything else. The reconciler asks for
 * an early end by aborting `signal` with a TeardownRequest.
 */
import { appendFileSync, readFileSync } from "node:fs";
import path from "node:path";
import type { GuestSessionPort, TartRun } from "./ports.js";
import type { RunnerRegistration } from "./runner-bootstrap.js";
import type { GuestConnection } from "./vm-boot.js";
import { followRunner } from "./runner-follow.js";
import { requestRegistration } from "./runner-registration.js";
import type { VmLifecycleDeps, VmLifecycleRequest } from "./vm-lifecycle-deps.js";
import { diagnoseVmLimit } from "./vm-limit-diagnosis.js";
import type { VmMachineEffect } from "./vm-machine/vm-machine-effect.js";
import type { VmMachineEvent } from "./vm-machine/vm-machine-event.js";
import { initialVmState } from "./vm-machine/vm-machine-state.js";
import { step } from "./vm-machine/vm-machine-step.js";
import { isReport, report, type ReportSinks } from "./vm-machine/vm-reports.js";
import {
  connectToGuest,
  GUEST_PATHS,
  installRunner,
  launchRunner,
  prepare,
  settle,
  type StepContext,
} from "./vm-machine/vm-steps.js";
import { TeardownRequest } from "./vm-settings.js";
import { teardownVm } from "./vm-teardown.js";

export type {
  LifecyclePhaseMetric,
  ServedJob,
  VmLifecycleDeps,
  VmLifecycleRequest,
} from "./vm-lifecycle-deps.js";
export { GUEST_PATHS } from "./vm-machine/vm-steps.js";

/** Events after which the ending may depend on what GitHub said: the ledger's view is fed in first. */
const ENDINGS: ReadonlySet<VmMachineEvent["type"]> = new Set([
  "prepare-failed",
  "guest-failed",
  "install-failed",
  "registration-failed",
  "runner-start-failed",
  "runner-exited",
  "follow-failed",
  "online-deadline",
  "vm-exited",
]);

export function runVmLifecycle(request: VmLifecycleRequest, deps: VmLifecycleDeps): Promise<void> {
  const { name, signal } = request;
  const { clock, settings } = deps;
  const log = deps.log.child({ vm: name, job: request.forJob });
  const logFile = path.join(settings.vmLogDir, `${name}.log`);
  const context: StepContext = {
    ...request,
    ...deps,
    observe: deps.observe,
    onChannel: (chosen) => log.info(chosen, "guest channel chosen"),
  };
  let state = initialVmState(name, request.forJob, logFile, clock.now());
  let run: TartRun | null = null;
  let session: GuestSessionPort | null = null;
  let reconnect: GuestConnection["reconnect"] | null = null;
  let registration: RunnerRegistration | null = null;
  const onlineTimer = new AbortController();
  const queue: VmMachineEvent[] = [];
  let stepping = false;
  let finished = (): void => undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));

  const dispatch = (event: VmMachineEvent): void => {
    const job = ENDINGS.has(event.type) ? (deps.jobServedBy?.(name) ?? null) : null;
    if (job !== null) queue.push({ type: "job-observed", at: event.at, job });
    queue.push(event);
    if (stepping) return;
    stepping = true;
    try {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const transition = step(state, next);
        state = transition.state;
        for (const effect of transition.effects) perform(effect);
      }
    } finally {
      stepping = false;
    }
    if (state.phase === "gone") {
      signal.removeEventListener("abort", onAbort);
      finished();
    }
  };

  const reports: ReportSinks = { ...deps, vm: name, log };
  const perform = (effect: VmMachineEffect): void => {
    if (isReport(effect)) return report(effect, reports);
    switch (effect.type) {
      case "prepare":
        return prepare(context, dispatch);
      case "request-registration":
        return settle(
          () => requestRegistration(name, request.spec, deps, signal),
          (answer) => {
            registration = answer.registration;
            dispatch({
              type: "registration-ready",
              at: clock.now(),
              runnerId: answer.runnerId,
              tokenRunner: answer.registration.kind === "registration",
            });
          },
          (error) => dispatch({ type: "registration-failed", at: clock.now(), error }),
        );
      case "boot": {
        const started = deps.tart.run(name, {
          noGraphics: settings.noGraphics,
          logFile,
          dirs: settings.dirs,
          ...(settings.netBridged === null ? {} : { netBridged: settings.netBridged }),
        });
        run = started;
        const exited = (): void =>
          dispatch({ type: "vm-exited", at: clock.now(), lastLine: lastLine(logFile) });
        void started.exited.then(exited, exited);
        return connectToGuest(
          context,
          started,
          () => lastLine(logFile),
          dispatch,
          (guest) => {
            session = guest.session;
            reconnect = guest.reconnect;
          },
        );
      }
      case "install-runner":
        if (session === null) return missing("install-failed", "the guest session");
        return installRunner(context, session, deps.runnerTarball, dispatch);
      case "start-runner":
        if (session === null) return missing("runner-start-failed", "the guest session");
        if (registration === null) return missing("runner-start-failed", "the runner's registration");
        return launchRunner(context, session, registration, dispatch);
      case "follow-runner":
        if (session === null) return missing("follow-failed", "the guest session");
        return followRunnerLog(session);
      case "start-online-timer": {
        const afterMs = settings.timeouts.runnerOnlineMs;
        void clock.sleep(afterMs, onlineTimer.signal).then(
          () => dispatch({ type: "online-deadline", at: clock.now(), afterMs }),
          () => undefined,
        );
        return;
      }
      case "cancel-online-timer":
        return onlineTimer.abort();
      case "diagnose-vm-limit":
        return settle(
          () => diagnoseVmLimit(name, { tart: deps.tart, isOwnVm: deps.isOwnVm }),
          (diagnosis) =>
            dispatch({
              type: "vm-limit-diagnosed",
              at: clock.now(),
              explanation: diagnosis?.explanation ?? null,
            }),
          () => dispatch({ type: "vm-limit-diagnosed", at: clock.now(), explanation: null }),
        );
      case "teardown":
        return settle(
          () =>
            teardownVm(
              { name, run, session, runnerId: effect.runnerId, findRunnerByName: effect.findRunnerByName },
              { tart: deps.tart, github: deps.github, clock, budgetMs: settings.timeouts.teardownMs },
            ),
          (problems) => dispatch({ type: "torn-down", at: clock.now(), problems }),
          (error: unknown) => dispatch({ type: "torn-down", at: clock.now(), problems: [String(error)] }),
        );
    }
  };

  const followRunnerLog = (first: GuestSessionPort): void =>
    settle(
      () =>
        followRunner({
          session: first,
          // The new session replaces the dropped one, also for the clean shutdown at teardown.
          reconnect: async () => {
            if (reconnect === null) throw new Error("no way back into the guest");
            return (session = await reconnect(clock.now() + 60_000, signal));
          },
          paths: GUEST_PATHS,
          signal,
          onLine: (line, event) => {
            appendFileSync(logFile, `runner| ${line}\n`);
            if (event.kind === "online") dispatch({ type: "runner-online", at: clock.now() });
            else if (event.kind === "job-started")
              dispatch({ type: "runner-job-started", at: clock.now(), job: event.job });
          },
        }),
      (result) => dispatch({ type: "runner-exited", at: clock.now(), exitCode: result.exitCode }),
      (error) => dispatch({ type: "follow-failed", at: clock.now(), error }),
    );

  /** A step the machine asked for without what it needs: a bug, reported as that step's failure. */
  const missing = (type: "install-failed" | "runner-start-failed" | "follow-failed", what: string): void =>
    queueMicrotask(() => dispatch({ type, at: clock.now(), error: new Error(`${what} is missing (a bug)`) }));

  const onAbort = (): void => {
    const reason: unknown = signal.reason;
    dispatch({
      type: "teardown-requested",
      at: clock.now(),
      reason: reason instanceof Error ? reason.message : String(reason),
      failure: reason instanceof TeardownRequest ? reason.failure : true,
    });
  };

  perform({ type: "prepare" });
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  return done;
}

/** The last non-empty line of a VM log (what `tart run` said last), for error messages. */
function lastLine(file: string): string {
  try {
    const lines = readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.startsWith("runner| "));
    return lines.at(-1)?.trim() ?? "";
  } catch {
    return "";
  }
}
