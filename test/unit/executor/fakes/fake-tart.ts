/**
 * An in-memory TartPort: a registry of remote images, the local OCI cache, local VMs and their
 * `tart run` processes, answering as the simulated tart does (exit 2 for a missing VM or a stopped
 * one on stop, exit 1 for a running one on delete, macOS's limit of 2 running VMs). The contract
 * suite (test/contract/tart-port.test.ts) holds it to the real adapter over sim-bin/tart.
 */
import { appendFileSync } from "node:fs";
import type { TartPort, TartRun } from "../../../../src/executor/ports.js";
import { TartError } from "../../../../src/tart/tart-error.js";
import type { TartVmInfo } from "../../../../src/tart/tart-list.js";
import type { RunOptions, TartExecResult } from "../../../../src/tart/tart.js";

interface FakeVm {
  state: "running" | "stopped";
  cpu: number | null;
  memoryMiB: number | null;
  hasRunner: boolean;
  /** The MAC address in the VM's config.json. */
  mac: string;
  ip: string | null;
  exit: ((result: { exitCode: number | null; signal: string | null }) => void) | null;
  logFile: string | null;
  /** Told when this run of the VM ends (its guest's connections drop). */
  onStop: Array<() => void>;
}

type Command = "pull" | "clone" | "set" | "run" | "ip" | "stop" | "delete" | "list";

export class FakeTart implements TartPort {
  /** Images the registry has, and whether the runner is baked in. */
  readonly registry = new Map<string, { hasRunner: boolean }>();
  readonly cache = new Set<string>();
  readonly vms = new Map<string, FakeVm>();
  /** Every command, in order: `clone <source> <name>`, `run <name>`, … */
  readonly calls: string[] = [];
  readonly vmLimit = 2;
  /** A failure for the next calls of a command. */
  readonly #faults = new Map<Command, { exitCode: number; line: string; times: number }>();
  /** Lines `tart run` of a VM logs and the code it exits with right after starting (a VZ error). */
  readonly #runFaults = new Map<string, { exitCode: number; line: string }>();
  #nextIp = 2;

  constructor(images: Record<string, { hasRunner: boolean }> = {}) {
    for (const [image, info] of Object.entries(images)) this.registry.set(image, info);
  }

  failNext(command: Command, exitCode: number, line: string, times = 1): void {
    this.#faults.set(command, { exitCode, line, times });
  }

  failRun(vm: string, exitCode: number, line: string): void {
    this.#runFaults.set(vm, { exitCode, line });
  }

  async pull(image: string, options: { insecure: boolean; signal?: AbortSignal }): Promise<void> {
    this.#call(["pull", image], options.signal);
    if (!this.registry.has(image)) throw notFound("pull", image);
    this.cache.add(image);
    await Promise.resolve();
  }

  async clone(
    source: string,
    name: string,
    options: { insecure: boolean; signal?: AbortSignal },
  ): Promise<void> {
    this.#call(["clone", source, name], options.signal);
    const local = this.vms.get(source);
    let hasRunner: boolean;
    if (local !== undefined) hasRunner = local.hasRunner;
    else {
      const remote = this.registry.get(source);
      if (remote === undefined) throw notFound("clone", source);
      this.cache.add(source);
      hasRunner = remote.hasRunner;
    }
    this.vms.set(name, {
      state: "stopped",
      cpu: null,
      memoryMiB: null,
      hasRunner,
      mac: local?.mac ?? "7e:00:00:00:00:01",
      ip: null,
      exit: null,
      logFile: null,
      onStop: [],
    });
    await Promise.resolve();
  }

  async set(
    name: string,
    settings: { cpu?: number | null; memoryMiB?: number | null; randomMac?: boolean },
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    this.#call(["set", name], options.signal);
    const vm = this.#existing("set", name);
    if (settings.cpu !== undefined) vm.cpu = settings.cpu;
    if (settings.memoryMiB !== undefined) vm.memoryMiB = settings.memoryMiB;
    await Promise.resolve();
  }

  run(name: string, options: RunOptions): TartRun {
    this.calls.push(`run ${name}`);
    let settle: (result: { exitCode: number | null; signal: string | null }) => void = () => undefined;
    const exited = new Promise<{ exitCode: number | null; signal: string | null }>(
      (resolve) => (settle = resolve),
    );
    const vm = this.vms.get(name);
    const log = (line: string): void => appendFileSync(options.logFile, `${line}\n`);
    const fault = this.#runFaults.get(name);
    const running = [...this.vms.values()].filter((other) => other.state === "running").length;
    const refuse = (exitCode: number, line: string): TartRun => {
      log(line);
      queueMicrotask(() => settle({ exitCode, signal: null }));
      return { pid: 0, exited, interrupt: () => undefined, kill: () => undefined };
    };
    if (vm === undefined) return refuse(1, `Error: the specified VM "${name}" does not exist`);
    if (vm.state === "running") return refuse(2, `Error: VM "${name}" is already running`);
    if (fault !== undefined) {
      this.#runFaults.delete(name);
      return refuse(fault.exitCode, fault.line);
    }
    if (running >= this.vmLimit) return refuse(1, "Error: The number of VMs exceeds the system limit");
    vm.state = "running";
    vm.ip = `192.168.64.${this.#nextIp++}`;
    vm.logFile = options.logFile;
    vm.exit = (result) => {
      vm.state = "stopped";
      vm.ip = null;
      vm.exit = null;
      for (const listener of vm.onStop.splice(0)) listener();
      settle(result);
    };
    return {
      pid: 4242,
      exited,
      interrupt: () => this.powerOff(name, "Stopping VM..."),
      kill: () => vm.exit?.({ exitCode: null, signal: "SIGKILL" }),
    };
  }

  /** The guest powers off (a shutdown, or a crash): `tart run` exits 0 after logging `line`. */
  powerOff(name: string, line?: string): void {
    const vm = this.vms.get(name);
    if (vm?.exit == null) return;
    if (line !== undefined && vm.logFile !== null) appendFileSync(vm.logFile, `${line}\n`);
    vm.exit({ exitCode: 0, signal: null });
  }

  /** `tart ip --wait`: polls for the VM's address until `waitSeconds` are over. */
  async ip(name: string, options: { waitSeconds: number; signal?: AbortSignal }): Promise<string> {
    this.#call(["ip", name], options.signal);
    const vm = this.#existing("ip", name);
    const deadline = Date.now() + options.waitSeconds * 1000;
    while (vm.ip === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (options.signal?.aborted === true)
        throw new TartError({ code: "TART_CANCELLED", args: ["ip", name], exitCode: null, firstLine: "" });
    }
    if (vm.ip === null) throw failed("ip", 1, "no IP address found, is your VM running?");
    return vm.ip;
  }

  async stop(name: string, options: { timeoutSeconds: number; signal?: AbortSignal }): Promise<void> {
    this.#call(["stop", name], options.signal);
    const vm = this.#existing("stop", name);
    if (vm.state !== "running") throw failed("stop", 2, `VM "${name}" is not running`);
    this.powerOff(name, "Stopping VM...");
    await Promise.resolve();
  }

  async delete(name: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    this.#call(["delete", name], options.signal);
    const vm = this.#existing("delete", name);
    if (vm.state === "running") throw failed("delete", 1, `VM "${name}" is running`);
    this.vms.delete(name);
    await Promise.resolve();
  }

  async macAddresses(): Promise<Map<string, string>> {
    await Promise.resolve();
    return new Map([...this.vms].map(([name, vm]) => [name, vm.mac]));
  }

  async setMacAddress(name: string, mac: string): Promise<void> {
    this.#existing("set", name).mac = mac;
    await Promise.resolve();
  }

  /** `tart exec`: the fake's guests have no guest agent, so tart cannot reach one. */
  async exec(name: string, command: readonly string[]): Promise<TartExecResult> {
    this.calls.push(["exec", name, ...command].join(" "));
    await Promise.resolve();
    const running = this.vms.get(name)?.state === "running";
    return {
      exitCode: running ? 1 : 2,
      signal: null,
      stdout: "",
      stderr: running
        ? "Failed to connect to the VM using its control socket: no agent, is the Tart Guest Agent running?\n"
        : `VM "${name}" is not running\n`,
      timedOut: false,
      aborted: false,
      agentUnreachable: true,
      spawnError: null,
    };
  }

  async listLocal(options: { signal?: AbortSignal } = {}): Promise<TartVmInfo[]> {
    this.#call(["list", "local"], options.signal);
    await Promise.resolve();
    return [...this.vms].map(([name, vm]) => ({ name, source: "local" as const, state: vm.state }));
  }

  async listOci(options: { signal?: AbortSignal } = {}): Promise<string[]> {
    this.#call(["list", "oci"], options.signal);
    await Promise.resolve();
    return [...this.cache];
  }

  #call(args: string[], signal: AbortSignal | undefined): void {
    this.calls.push(args.join(" "));
    const command = args[0] as Command;
    if (signal?.aborted === true)
      throw new TartError({ code: "TART_CANCELLED", args, exitCode: null, firstLine: "" });
    const fault = this.#faults.get(command);
    if (fault === undefined) return;
    if (fault.times <= 1) this.#faults.delete(command);
    else fault.times -= 1;
    throw failed(command, fault.exitCode, fault.line);
  }

  #existing(command: string, name: string): FakeVm {
    const vm = this.vms.get(name);
    if (vm === undefined) throw failed(command, 2, `the specified VM "${name}" does not exist`);
    return vm;
  }
}

function failed(command: string, exitCode: number, line: string): TartError {
  return new TartError({ code: "TART_COMMAND_FAILED", args: [command], exitCode, firstLine: line });
}

function notFound(command: string, image: string): TartError {
  return failed(
    command,
    1,
    `Error: UnexpectedHTTPStatusCode(when: "pulling manifest", code: 404) for ${image}`,
  );
}
