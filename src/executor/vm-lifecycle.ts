/**
 * One VM's life, from clone to delete: cloning → booting → provisioning → idle → busy, with
 * teardown in `finally` whatever happened. Progress goes back to the ledger as events; the
 * reconciler asks for an early end by aborting `signal` with a TeardownRequest.
 */
import { appendFileSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import { abortable } from "../abortable.js";
import type { Clock } from "../clock.js";
import type { GitHubClient } from "../github/github-client.js";
import type { Tart, TartRun } from "../tart/tart.js";
import type { ConnectGuestPort, GuestSessionPort } from "./guest-port.js";
import type { LedgerEvent, VmPhase, VmSpec } from "./model.js";
import { ensureRunnerInstalled, startRunner, type GuestRunnerPaths } from "./runner-bootstrap.js";
import { followRunner } from "./runner-follow.js";
import { requestRegistration } from "./runner-registration.js";
import { waitForGuest } from "./vm-boot.js";
import { diagnoseVmLimit, isVmLimitRefusal } from "./vm-limit-diagnosis.js";
import { prepareVm } from "./vm-prepare.js";
import { TeardownRequest, type VmSettings } from "./vm-settings.js";
import { teardownVm } from "./vm-teardown.js";

export type LifecyclePhaseMetric =
  "pull" | "clone" | "boot_to_ip" | "ssh_ready" | "runner_online" | "job_start" | "job_run" | "teardown";

export interface VmLifecycleDeps {
  readonly tart: Pick<
    Tart,
    | "pull"
    | "clone"
    | "set"
    | "run"
    | "ip"
    | "exec"
    | "stop"
    | "delete"
    | "listOci"
    | "listLocal"
    | "macAddresses"
    | "setMacAddress"
  >;
  readonly github: Pick<
    GitHubClient,
    | "generateJitConfig"
    | "createRegistrationToken"
    | "runnerGroupId"
    | "deleteRunner"
    | "findRunnerByName"
    | "runnerUrl"
  >;
  readonly connectGuest: ConnectGuestPort;
  readonly runnerTarball: () => Promise<Buffer>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly settings: VmSettings;
  /** Shared by all VMs; switches to "token" for good once GitHub shows it has no JIT endpoint. */
  readonly registration: { mode: "jit" | "token" };
  readonly emit: (event: LedgerEvent) => void;
  readonly observe: (phase: LifecyclePhaseMetric, seconds: number) => void;
  /** How the VM ended: it served a job, it failed, or it was torn down unused. */
  readonly countVm?: (outcome: "completed" | "failed" | "torn_down") => void;
  /** Whether a VM name is one of this executor's (to name the VMs that hold macOS's VM slots). */
  readonly isOwnVm: (name: string) => boolean;
  /** The job the ledger says this VM's runner is running, if it knows. */
  readonly jobServedBy?: (vm: string) => ServedJob | null;
}

export interface ServedJob {
  readonly key: string;
  readonly htmlUrl: string | null;
  readonly completed: boolean;
  /** GitHub said (in_progress) that this VM's runner took a job, whatever the runner's log showed so far. */
  readonly tookJob: boolean;
}

export interface VmLifecycleRequest {
  readonly name: string;
  readonly spec: VmSpec;
  readonly forJob: string;
  readonly signal: AbortSignal;
}

export const GUEST_PATHS: GuestRunnerPaths = {
  runnerDir: "~/actions-runner",
  logFile: "~/.tart-executor/runner.log",
  exitFile: "~/.tart-executor/runner.exit",
};

export async function runVmLifecycle(request: VmLifecycleRequest, deps: VmLifecycleDeps): Promise<void> {
  const { name, spec, signal } = request;
  const { clock, settings } = deps;
  const log = deps.log.child({ vm: name, job: request.forJob });
  const logFile = path.join(settings.vmLogDir, `${name}.log`);
  const phase = (next: VmPhase, runnerId?: number): void =>
    deps.emit({
      type: "vm-phase",
      at: clock.now(),
      vm: name,
      phase: next,
      ...(runnerId === undefined ? {} : { runnerId }),
    });
  let run: TartRun | null = null;
  let session: GuestSessionPort | null = null;
  let runnerId: number | null = null;
  let tokenRunner = false;
  let served = false;
  let lostJob = false;
  let vmStopped = false;
  let failure: string | null = null;
  const started = clock.now();
  try {
    await prepareVm(
      { name, spec, signal },
      { tart: deps.tart, settings, observe: deps.observe, now: clock.now },
    );
    signal.throwIfAborted();
    phase("booting");
    // Ask GitHub for the registration while the VM boots, not after.
    const registration = requestRegistration(name, spec, deps, signal);
    registration.catch(() => undefined);
    const bootStarted = clock.now();
    run = deps.tart.run(name, {
      noGraphics: settings.noGraphics,
      logFile,
      dirs: settings.dirs,
      ...(settings.netBridged === null ? {} : { netBridged: settings.netBridged }),
    });
    const markStopped = (): void => {
      vmStopped = true;
    };
    run.exited.then(markStopped, markStopped);
    const guest = await waitForGuest(
      {
        name,
        run,
        deadline: bootStarted + settings.timeouts.bootMs,
        signal,
        lastLogLine: () => lastLine(logFile),
      },
      {
        tart: deps.tart,
        connectGuest: deps.connectGuest,
        clock,
        ...(settings.netBridged === null ? {} : { resolver: "arp" as const }),
        channel: settings.guestChannel ?? "ssh",
        onChannel: (chosen) => log.info(chosen, "guest channel chosen"),
        onIp: (ip) => {
          deps.observe("boot_to_ip", (clock.now() - bootStarted) / 1000);
          log.debug({ ip }, "vm has an address");
        },
      },
    );
    session = guest.session;
    deps.observe("ssh_ready", (clock.now() - bootStarted) / 1000);
    phase("provisioning");
    const onlineStarted = clock.now();
    if (await ensureRunnerInstalled(session, GUEST_PATHS, deps.runnerTarball, signal))
      log.info("copied the cached runner into the guest");
    const reg = await abortable(registration, signal);
    tokenRunner = reg.registration.kind === "registration";
    runnerId = reg.runnerId;
    await startRunner(session, GUEST_PATHS, reg.registration, signal, settings.runnerEnvironment ?? {});
    let onlineAt = 0;
    let markOnline = (): void => undefined;
    const online = new Promise<void>((resolve) => (markOnline = resolve));
    const follow = followRunner({
      session: guest.session,
      reconnect: () => guest.reconnect(clock.now() + 60_000, signal),
      paths: GUEST_PATHS,
      signal,
      onLine: (line, event) => {
        appendFileSync(logFile, `runner| ${line}\n`);
        if (event.kind === "online" && onlineAt === 0) {
          onlineAt = clock.now();
          deps.observe("runner_online", (onlineAt - onlineStarted) / 1000);
          phase("idle", runnerId ?? undefined);
          log.info("runner online");
          markOnline();
        } else if (event.kind === "job-started") {
          served = true;
          if (onlineAt !== 0) deps.observe("job_start", (clock.now() - onlineAt) / 1000);
          phase("busy");
          log.info({ githubJob: event.job }, "runner took a job");
        }
      },
    });
    follow.catch(() => undefined); // a lost log stream is not fatal: run exit and deadlines still apply
    const onlineTimer = new AbortController();
    await Promise.race([
      online,
      clock.sleep(settings.timeouts.runnerOnlineMs, onlineTimer.signal).then(() => {
        throw new Error(
          `runner did not come online within ${Math.round(settings.timeouts.runnerOnlineMs / 1000)} s`,
        );
      }),
      follow.then((result) => {
        if (onlineAt === 0)
          throw new Error(`runner exited before it came online (exit ${result.exitCode ?? "unknown"})`);
      }),
      run.exited.then(() => {
        if (onlineAt === 0) throw new Error(`VM stopped before the runner came online: ${lastLine(logFile)}`);
      }),
    ]).finally(() => onlineTimer.abort());
    // Now idle or busy: the VM ends when the guest powers off after the runner's one job, or on teardown.
    const busyStarted = clock.now();
    // The runner's exit (seen in its log) ends the VM's life at once; the guest powering itself
    // off afterwards is only the fallback for when the log stream is lost.
    const runnerExit = follow.then(
      (result) => result,
      () => new Promise<never>(() => undefined),
    );
    const ended = await Promise.race([
      run.exited.then(() => ({ by: "vm stopped" as const, exitCode: null })),
      runnerExit.then((result) => ({ by: "runner exited" as const, exitCode: result.exitCode })),
      abortPromise(signal),
    ]);
    log.info({ endedBy: ended.by, runnerExitCode: ended.exitCode }, "runner finished");
    // GitHub's in_progress may name this runner before its log has shown the job.
    if (!served && deps.jobServedBy?.(name)?.tookJob === true) served = true;
    if (served && ended.by === "vm stopped") lostJob = reportLostJob(name, request.forJob, deps, log);
    if (!served && !signal.aborted)
      failure =
        ended.by === "vm stopped"
          ? `VM stopped without serving a job: ${lastLine(logFile)}`
          : `runner exited without taking a job (exit ${ended.exitCode ?? "unknown"}); see ${logFile}`;
    if (served) deps.observe("job_run", (clock.now() - busyStarted) / 1000);
  } catch (error) {
    if (signal.aborted && signal.reason instanceof TeardownRequest) {
      if (signal.reason.failure && !served) failure = signal.reason.message;
    } else if (!served && deps.jobServedBy?.(name)?.tookJob === true) {
      // The runner took a job before its log said so (GitHub's in_progress came first), and the
      // VM then died: not a failed start but a job lost mid-run.
      served = true;
      log.info({ err: error }, "vm ended before its runner's log showed the job it took");
      if (vmStopped) lostJob = reportLostJob(name, request.forJob, deps, log);
    } else if (!served) {
      failure = error instanceof Error ? error.message : String(error);
    } else {
      log.warn({ err: error }, "vm ended with an error after serving its job");
    }
  } finally {
    // Before the VM leaves its phase: the failure and the phase change must reach the ledger
    // together, or the job would look uncovered, with no attempt counted, in between.
    if (failure !== null && isVmLimitRefusal(failure)) {
      const diagnosis = await diagnoseVmLimit(name, { tart: deps.tart, isOwnVm: deps.isOwnVm });
      if (diagnosis !== null) failure = `${failure} — ${diagnosis.explanation}`;
    }
    deps.emit({ type: "vm-phase", at: clock.now(), vm: name, phase: "tearing-down" });
    if (failure !== null) {
      log.error({ reason: failure }, "vm failed");
      deps.emit({ type: "vm-failed", at: clock.now(), vm: name, reason: failure });
    } else if (signal.aborted && signal.reason instanceof TeardownRequest) {
      log.info({ reason: signal.reason.message }, "tearing down vm");
    }
    const teardownStarted = clock.now();
    const problems = await teardownVm(
      { name, run, session, runnerId, findRunnerByName: tokenRunner || runnerId === null },
      { tart: deps.tart, github: deps.github, clock, budgetMs: settings.timeouts.teardownMs },
    ).catch((error: unknown) => [String(error)]);
    for (const problem of problems) log.error({ problem }, "teardown step failed");
    deps.observe("teardown", (clock.now() - teardownStarted) / 1000);
    log.info({ lifetimeSeconds: Math.round((clock.now() - started) / 1000) }, "vm deleted");
    deps.countVm?.(failure !== null || lostJob ? "failed" : served ? "completed" : "torn_down");
    deps.emit({ type: "vm-gone", at: clock.now(), vm: name });
  }
}

/**
 * The guest powered off under a running job without its runner reporting an exit: a crash, a
 * kernel panic, someone's `shutdown`. GitHub will fail that job ("runner lost") unless it had
 * already finished, so the operator gets a warning naming it. Returns whether one was logged.
 */
function reportLostJob(vm: string, forJob: string, deps: VmLifecycleDeps, log: Logger): boolean {
  const job = deps.jobServedBy?.(vm) ?? null;
  if (job?.completed === true) return false;
  log.warn(
    { job: job?.key ?? forJob, url: job?.htmlUrl ?? undefined },
    "the VM stopped while its runner was running a job; GitHub fails that job (runner lost)",
  );
  return true;
}

function abortPromise(signal: AbortSignal): Promise<never> {
  return abortable(new Promise<never>(() => undefined), signal);
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
