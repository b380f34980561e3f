/**
 * A running simulated VM: the life of a `tart run` process after it claimed the VM. It starts
 * the VM (VZ start failures exit 1 a moment later), boots it in the background, and blocks until
 * SIGINT (`Stopping VM...`), a guest power-off (`guest has stopped the virtual machine`), SIGUSR2
 * (a shutdown request) or SIGUSR1 (suspend). SIGTERM and SIGHUP kill it without a word.
 */
import { rmSync, statSync, writeFileSync } from "node:fs";
import type { Server } from "node:net";
import { fireFault } from "../../faults.js";
import type { GuestHandle } from "../../guest/guest-contract.js";
import type { TartContext } from "../context.js";
import { readRunRecord, writeRunRecord } from "../state/run-record.js";
import type { RunRecord } from "../state/run-record.js";
import { fireExtraFault } from "../state/sim-extras.js";
import type { ClaimedVm } from "./claim-vm.js";
import { bootGuest } from "./boot-guest.js";
import { takeVmSlot } from "./vm-limit.js";

/** How long a doomed start shows as running before it fails (~200 ms on real hosts). */
const FAILED_START_MS = 200;
const VZ_START_FAILED =
  'Error Domain=VZErrorDomain Code=1 "The virtual machine failed to start." UserInfo={NSLocalizedFailure=Internal Virtualization error., NSLocalizedFailureReason=The virtual machine failed to start.}';
const AUX_STORAGE_LOCKED =
  'Error Domain=VZErrorDomain Code=2 "Failed to lock auxiliary storage." UserInfo={NSLocalizedFailure=Invalid virtual machine configuration., NSLocalizedFailureReason=Failed to lock auxiliary storage., NSUnderlyingError=0x600000d5bde0 {Error Domain=NSPOSIXErrorDomain Code=35 "Resource temporarily unavailable"}}';
const SAVE_UNSUPPORTED =
  "Invalid virtual machine configuration. The virtual machine configuration does not support save/restore.";

export interface SessionHooks {
  /** Called before the process lets SIGTERM/SIGHUP kill it (to record the invocation's end). */
  readonly onKilled: (signal: NodeJS.Signals) => void;
}

export class VmSession {
  readonly #ctx: TartContext;
  readonly #claim: ClaimedVm;
  readonly #suspendable: boolean;
  readonly #hooks: SessionHooks;
  readonly #boot = new AbortController();
  #phase: "starting" | "running" | "ending" = "starting";
  #stopRequested = false;
  #guest: GuestHandle | undefined;
  #control: Server | undefined;
  #resolve: (code: number) => void = () => undefined;

  constructor(ctx: TartContext, claim: ClaimedVm, suspendable: boolean, hooks: SessionHooks) {
    this.#ctx = ctx;
    this.#claim = claim;
    this.#suspendable = suspendable;
    this.#hooks = hooks;
  }

  /** Runs the VM to its end; resolves with the process's exit code. */
  async run(): Promise<number> {
    const ended = new Promise<number>((resolve) => (this.#resolve = resolve));
    const keepAlive = setInterval(() => undefined, 1 << 30);
    this.#installSignals();
    this.#restoreSnapshot();
    const failure = await this.#start();
    if (failure !== undefined) {
      clearInterval(keepAlive);
      this.#ctx.out.error(failure);
      return 1;
    }
    this.#phase = "running";
    if (this.#stopRequested) void this.#end("Stopping VM...", 0);
    else this.#bootInBackground();
    const code = await ended;
    clearInterval(keepAlive);
    this.#dropRecord();
    return code;
  }

  #installSignals(): void {
    process.on("SIGINT", () => {
      if (this.#ctx.env["TART_SIM_IGNORE_SIGINT"] !== undefined) return;
      if (this.#phase === "running") void this.#end("Stopping VM...", 0);
      else this.#stopRequested = true;
    });
    process.on("SIGUSR2", () => {
      if (this.#phase !== "running") return;
      this.#ctx.out.line("Requesting guest OS to stop...");
      setTimeout(() => this.#powerOff(), this.#ctx.config().delays.shutdownMs);
    });
    process.on("SIGUSR1", () => {
      if (this.#phase === "running") this.#suspend();
    });
    for (const signal of ["SIGTERM", "SIGHUP"] as const) process.on(signal, () => this.#die(signal));
  }

  #restoreSnapshot(): void {
    const statePath = this.#claim.vm.statePath;
    try {
      statSync(statePath);
    } catch {
      return;
    }
    this.#ctx.out.line("restoring VM state from a snapshot...");
    rmSync(statePath, { force: true });
    this.#ctx.out.line("resuming VM...");
  }

  /** The VZ start: undefined when the VM is up, else the error text `tart run` prints. */
  async #start(): Promise<string | undefined> {
    const { simDir } = this.#ctx;
    const name = this.#claim.vm.name;
    let failure: string | undefined;
    if (fireFault(simDir, this.#ctx.config(), "runCrash", name) !== undefined) failure = VZ_START_FAILED;
    else if (fireExtraFault(simDir, this.#ctx.extras(), "auxStorageLock", name) !== undefined) {
      failure = AUX_STORAGE_LOCKED;
    } else {
      failure = takeVmSlot(this.#ctx, this.#claim.vm, this.#claim.config, () =>
        this.#updateRecord({ admitted: true }),
      );
    }
    if (failure !== undefined) await new Promise((resolve) => setTimeout(resolve, FAILED_START_MS));
    return failure;
  }

  #bootInBackground(): void {
    bootGuest(this.#ctx, this.#claim, this.#boot.signal, {
      onAddress: (ip) => this.#updateRecord({ ip }),
      onGuest: (guest) => (this.#guest = guest),
      onAgent: (server, agent) => {
        this.#control = server;
        if (agent) this.#updateRecord({ agent: true });
      },
      onPowerOff: () => this.#powerOff(),
    }).catch((error: unknown) => {
      // An aborted boot is the power going off mid-boot, not a failure.
      if (!this.#boot.signal.aborted)
        this.#ctx.out.error(`[tart-sim] boot failed: ${(error as Error).message}`);
    });
  }

  #powerOff(): void {
    void this.#end("guest has stopped the virtual machine", 0);
  }

  #suspend(): void {
    if (!this.#suspendable) {
      this.#ctx.out.line(`Failed to suspend the VM: ${SAVE_UNSUPPORTED}`);
      void this.#end(undefined, 1);
      return;
    }
    this.#ctx.out.line("pausing VM to take a snapshot...");
    this.#ctx.out.line("creating a snapshot...");
    writeFileSync(this.#claim.vm.statePath, JSON.stringify({ savedAt: new Date().toISOString() }));
    this.#ctx.out.line("snapshot created successfully! shutting down the VM...");
    // The VM is paused, not running, when the task is cancelled: no "Stopping VM..." follows.
    void this.#end(undefined, 0);
  }

  async #end(line: string | undefined, code: number): Promise<void> {
    if (this.#phase === "ending") return;
    this.#phase = "ending";
    if (line !== undefined) this.#ctx.out.line(line);
    try {
      await this.#powerCut();
    } catch (error) {
      this.#ctx.out.error(`[tart-sim] guest did not shut down cleanly: ${(error as Error).message}`);
    }
    this.#resolve(code);
  }

  /** Everything inside the VM stops at once: the boot sequence, the guest, the agent. */
  async #powerCut(): Promise<void> {
    this.#boot.abort();
    this.#control?.close();
    await this.#guest?.close();
  }

  #die(signal: NodeJS.Signals): void {
    this.#hooks.onKilled(signal);
    const killNow = (): void => {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    };
    // The guest's processes are real processes here; take them down with the VM, briefly.
    setTimeout(killNow, 1000).unref();
    void this.#powerCut().then(killNow, killNow);
  }

  /** Updates the run record, unless the VM directory was replaced under us (clone onto a running name). */
  #updateRecord(patch: Partial<RunRecord>): void {
    const { vm, dirIno } = this.#claim;
    const current = readRunRecord(vm.base);
    if (!this.#ownsDirectory(dirIno) || current?.pid !== process.pid) return;
    writeRunRecord(vm.base, { ...current, ...patch });
  }

  #dropRecord(): void {
    const { vm, dirIno } = this.#claim;
    if (this.#ownsDirectory(dirIno) && readRunRecord(vm.base)?.pid === process.pid) {
      rmSync(`${vm.base}/.sim-run.json`, { force: true });
    }
  }

  #ownsDirectory(ino: number): boolean {
    try {
      return statSync(this.#claim.vm.base).ino === ino;
    } catch {
      return false;
    }
  }
}
