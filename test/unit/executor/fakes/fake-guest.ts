/**
 * An in-memory GuestPort over FakeTart's VMs: a guest answers while its VM runs, has the runner
 * when its image had it (or once it was copied in), starts the runner with the secret on stdin,
 * and streams the runner's log to a follow until the runner exits (then the exit marker) or the VM
 * stops (then the connection drops, as SSH's does). Tests drive the runner through `runner(vm)`.
 */
import type { GuestPort, GuestSessionPort, GuestExecResult } from "../../../../src/executor/ports.js";
import { GUEST_PATHS } from "../../../../src/executor/vm-machine/vm-steps.js";
import { GuestError } from "../../../../src/guest/guest-error.js";
import {
  checkRunnerCommand,
  installRunnerCommand,
  shutdownCommand,
} from "../../../../src/guest/runner-commands.js";
import { RUNNER_EXIT_MARKER } from "../../../../src/guest/runner-exit-marker.js";
import type { FakeTart } from "./fake-tart.js";

export class FakeRunner {
  output = "";
  exitCode: number | null = null;
  /** What the runner was started with on stdin (the JIT config or registration token). */
  stdin = "";
  readonly #listeners = new Set<() => void>();

  print(line: string): void {
    this.output += `${line}\n`;
    this.#notify();
  }

  online(): void {
    this.print("√ Connected to GitHub");
    this.print("2026-12-06 09:00:00Z: Listening for Jobs");
  }

  takeJob(job = "build"): void {
    this.print(`2026-12-06 09:00:01Z: Running job: ${job}`);
  }

  exit(code: number): void {
    this.exitCode = code;
    this.#notify();
  }

  listen(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

export class FakeGuest implements GuestPort {
  readonly #tart: FakeTart;
  readonly #runners = new Map<string, FakeRunner>();
  readonly installed = new Set<string>();
  /** Every command run in a guest: `<vm>: <command>`. */
  readonly commands: string[] = [];
  /** Called when a guest's runner is started (e.g. to make it come online). */
  onRunnerStart: (vm: string, runner: FakeRunner) => void = () => undefined;
  /** Connections refused this many more times before one succeeds. */
  refuseConnections = 0;
  /** Ends every open follow as a dropped connection would (the VM keeps running). */
  readonly droppers = new Set<() => void>();

  dropConnections(): void {
    for (const drop of [...this.droppers]) drop();
  }

  constructor(tart: FakeTart) {
    this.#tart = tart;
  }

  runner(vm: string): FakeRunner {
    let runner = this.#runners.get(vm);
    if (runner === undefined) {
      runner = new FakeRunner();
      this.#runners.set(vm, runner);
    }
    return runner;
  }

  async connect(target: {
    vm: string;
    host: string;
    deadline: number;
    signal: AbortSignal;
  }): Promise<GuestSessionPort> {
    await Promise.resolve();
    target.signal.throwIfAborted();
    const vm = this.#tart.vms.get(target.vm);
    if (vm?.ip !== target.host) throw new Error(`connect ECONNREFUSED ${target.host}:22`);
    if (this.refuseConnections > 0) {
      this.refuseConnections -= 1;
      throw new Error(`connect ECONNREFUSED ${target.host}:22`);
    }
    return new FakeSession(target.vm, this.#tart, this);
  }
}

class FakeSession implements GuestSessionPort {
  readonly #vm: string;
  readonly #tart: FakeTart;
  readonly #guest: FakeGuest;
  #closed = false;

  constructor(vm: string, tart: FakeTart, guest: FakeGuest) {
    this.#vm = vm;
    this.#tart = tart;
    this.#guest = guest;
  }

  async exec(
    command: string,
    options: { stdin?: string | Buffer; onStdout?: (chunk: string) => void; signal?: AbortSignal } = {},
  ): Promise<GuestExecResult> {
    await Promise.resolve();
    options.signal?.throwIfAborted();
    const vm = this.#tart.vms.get(this.#vm);
    if (this.#closed || vm?.state !== "running") throw lost();
    this.#guest.commands.push(`${this.#vm}: ${command}`);
    const runner = this.#guest.runner(this.#vm);
    if (command === checkRunnerCommand(GUEST_PATHS.runnerDir))
      return done(vm.hasRunner || this.#guest.installed.has(this.#vm) ? "present\n" : "absent\n");
    if (command === installRunnerCommand(GUEST_PATHS.runnerDir)) {
      this.#guest.installed.add(this.#vm);
      return done("");
    }
    if (command === shutdownCommand()) {
      queueMicrotask(() => this.#tart.powerOff(this.#vm));
      return done("");
    }
    if (command.includes("tart-executor-follow")) return this.#follow(command, runner, options);
    if (options.stdin !== undefined) {
      runner.stdin = String(options.stdin);
      queueMicrotask(() => this.#guest.onRunnerStart(this.#vm, runner));
    }
    return done("");
  }

  /** Streams the runner's log from the byte the follow asks for, until the runner exits or the VM stops. */
  #follow(
    command: string,
    runner: FakeRunner,
    options: { onStdout?: (chunk: string) => void; signal?: AbortSignal },
  ): Promise<GuestExecResult> {
    const fromByte = Number(/'(\d+)'$/.exec(command)?.[1] ?? "0");
    let sent = fromByte;
    return new Promise((resolve, reject) => {
      const flush = (): void => {
        const bytes = Buffer.from(runner.output);
        if (bytes.length > sent) options.onStdout?.(bytes.subarray(sent).toString());
        sent = bytes.length;
        if (runner.exitCode === null) return;
        options.onStdout?.(`${RUNNER_EXIT_MARKER} ${runner.exitCode}\n`);
        finish();
        resolve({ exitCode: 0, signal: null, stdout: "", stderr: "" });
      };
      const stopped = (): void => {
        finish();
        reject(lost());
      };
      const aborted = (): void => {
        finish();
        reject(options.signal?.reason instanceof Error ? options.signal.reason : new Error("aborted"));
      };
      const dropped = stopped;
      this.#guest.droppers.add(dropped);
      const unlisten = runner.listen(flush);
      const vm = this.#tart.vms.get(this.#vm);
      vm?.onStop.push(stopped);
      options.signal?.addEventListener("abort", aborted, { once: true });
      const finish = (): void => {
        this.#guest.droppers.delete(dropped);
        unlisten();
        options.signal?.removeEventListener("abort", aborted);
        if (vm !== undefined) vm.onStop = vm.onStop.filter((listener) => listener !== stopped);
      };
      flush();
    });
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}

function done(stdout: string): GuestExecResult {
  return { exitCode: 0, signal: null, stdout, stderr: "" };
}

function lost(): GuestError {
  return new GuestError("SSH_CONNECTION_LOST", "the connection to the guest dropped");
}
