/**
 * The Tart adapter: the only code that runs the `tart` executable (tart-cli.md is its contract).
 * Every command gets a timeout and is interrupted with SIGINT (so tart cleans its staging
 * directories, tart-cli.md §5.11), then killed if it does not exit.
 */
import { execa } from "execa";
import { TartError, firstNonEmptyLine } from "./tart-error.js";
import { parseTartList, type TartVmInfo } from "./tart-list.js";
import { tartExec, type TartExecOptions, type TartExecResult } from "./tart-exec.js";
import { readMacAddresses, tartHome, writeMacAddress } from "./vm-mac-address.js";

export type { TartExecOptions, TartExecResult } from "./tart-exec.js";

export type TartCommandOutcome = "ok" | "error" | "timeout" | "cancelled";

export interface TartOptions {
  /** Absolute path of the tart executable. */
  readonly executable: string;
  /** The complete environment for tart (the caller filters out the daemon's own secrets). */
  readonly env: Readonly<Record<string, string>>;
  /** Default timeout for short commands (set, get, list, delete, ip without --wait…). */
  readonly defaultTimeoutMs?: number;
  readonly onCommand?: (event: { command: string; outcome: TartCommandOutcome; durationMs: number }) => void;
}

export interface CommandOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Extra environment for this call only (registry credentials). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface RunOptions {
  readonly noGraphics: boolean;
  readonly netBridged?: string;
  /** `--dir` values, already in tart's `[name:]path[:ro]` form. */
  readonly dirs?: readonly string[];
  /** File that receives the VM's stdout and stderr for its whole life (never a pipe, tart-cli.md §5.2). */
  readonly logFile: string;
}

export interface TartRun {
  readonly pid: number;
  /** Settles when `tart run` exits (exit 0 is ambiguous, tart-cli.md §5.7). */
  readonly exited: Promise<{ exitCode: number | null; signal: string | null }>;
  /** SIGINT: tart prints `Stopping VM...` and cuts power. */
  interrupt(): void;
  kill(): void;
}

export class Tart {
  readonly #options: TartOptions;

  constructor(options: TartOptions) {
    this.#options = options;
  }

  async version(): Promise<string> {
    return (await this.#exec(["--version"], {})).trim();
  }

  async pull(image: string, options: CommandOptions & { insecure: boolean }): Promise<void> {
    await this.#exec(["pull", image, ...(options.insecure ? ["--insecure"] : [])], options);
  }

  async clone(source: string, name: string, options: CommandOptions & { insecure: boolean }): Promise<void> {
    await this.#exec(["clone", source, name, ...(options.insecure ? ["--insecure"] : [])], options);
  }

  async set(
    name: string,
    settings: { cpu?: number | null; memoryMiB?: number | null; randomMac?: boolean },
    options: CommandOptions = {},
  ): Promise<void> {
    const args = ["set", name];
    if (settings.cpu !== undefined && settings.cpu !== null) args.push("--cpu", String(settings.cpu));
    if (settings.memoryMiB !== undefined && settings.memoryMiB !== null)
      args.push("--memory", String(settings.memoryMiB));
    if (settings.randomMac === true) args.push("--random-mac");
    await this.#exec(args, options);
  }

  /** The MAC address of every local VM, by name (from the VMs' config.json, vm-mac-address.ts). */
  macAddresses(): Promise<Map<string, string>> {
    return Promise.resolve(readMacAddresses(tartHome(this.#options.env)));
  }

  /** Gives a stopped VM a chosen MAC address (tart set has no such option, vm-mac-address.ts). */
  setMacAddress(name: string, mac: string): Promise<void> {
    writeMacAddress(tartHome(this.#options.env), name, mac);
    return Promise.resolve();
  }

  /** Starts `tart run` detached (its own process group), so VMs survive a daemon restart. */
  run(name: string, options: RunOptions): TartRun {
    const args = ["run", name];
    if (options.noGraphics) args.push("--no-graphics");
    if (options.netBridged !== undefined) args.push(`--net-bridged=${options.netBridged}`);
    for (const dir of options.dirs ?? []) args.push(`--dir=${dir}`);
    const started = Date.now();
    const log = { file: options.logFile, append: true } as const;
    const child = execa(this.#options.executable, args, {
      env: { ...this.#options.env },
      extendEnv: false,
      detached: true,
      cleanup: false,
      reject: false,
      buffer: false,
      stdin: "ignore",
      stdout: log,
      stderr: log,
    });
    const pid = child.pid;
    if (pid === undefined)
      throw new TartError({ code: "TART_NOT_FOUND", args, exitCode: null, firstLine: "" });
    const exited = child.then((result) => {
      this.#options.onCommand?.({
        command: "run",
        outcome: result.exitCode === 0 ? "ok" : "error",
        durationMs: Date.now() - started,
      });
      return { exitCode: result.exitCode ?? null, signal: result.signal ?? null };
    });
    return {
      pid,
      exited,
      interrupt: () => void child.kill("SIGINT"),
      kill: () => void child.kill("SIGKILL"),
    };
  }

  /** `tart ip --wait`: the VM's address, or a TartError when none appeared in time. */
  async ip(
    name: string,
    options: CommandOptions & { waitSeconds: number; resolver?: "dhcp" | "arp" | "agent" },
  ): Promise<string> {
    const args = ["ip", name, "--wait", String(Math.max(0, Math.ceil(options.waitSeconds)))];
    if (options.resolver !== undefined) args.push("--resolver", options.resolver);
    const timeoutMs = options.timeoutMs ?? (options.waitSeconds + 15) * 1000;
    return (await this.#exec(args, { ...options, timeoutMs })).trim();
  }

  /**
   * `tart exec [-i] <vm> <command…>` through the guest agent (tart-exec.ts). Never throws for a
   * failed command: the result carries the guest's exit code, or says the agent was unreachable.
   */
  async exec(
    name: string,
    command: readonly string[],
    options: TartExecOptions = {},
  ): Promise<TartExecResult> {
    const started = Date.now();
    const result = await tartExec(this.#options, name, command, options);
    const outcome: TartCommandOutcome = result.timedOut
      ? "timeout"
      : result.aborted
        ? "cancelled"
        : result.spawnError === null && !result.agentUnreachable
          ? "ok"
          : "error";
    this.#options.onCommand?.({ command: "exec", outcome, durationMs: Date.now() - started });
    if (result.spawnError !== null && (result.spawnError as NodeJS.ErrnoException).code === "ENOENT")
      throw new TartError({ code: "TART_NOT_FOUND", args: ["exec", name], exitCode: null, firstLine: "" });
    return result;
  }

  async stop(name: string, options: CommandOptions & { timeoutSeconds: number }): Promise<void> {
    const timeoutMs = options.timeoutMs ?? (options.timeoutSeconds + 15) * 1000;
    await this.#exec(["stop", name, "--timeout", String(options.timeoutSeconds)], { ...options, timeoutMs });
  }

  async delete(name: string, options: CommandOptions = {}): Promise<void> {
    await this.#exec(["delete", name], options);
  }

  /**
   * Local VMs with their state. tart enumerates the VM directories and then reads each one's
   * files, so a VM deleted in between (by our own teardown, or an orphaned `tart delete` after a
   * crash) makes the whole listing fail with "no such file": asked again, up to 3 times.
   */
  async listLocal(options: CommandOptions = {}): Promise<TartVmInfo[]> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return parseTartList(await this.#exec(["list", "--source", "local", "--format", "json"], options));
      } catch (error) {
        const raced =
          error instanceof TartError &&
          error.code === "TART_COMMAND_FAILED" &&
          /no such file|couldn.t be opened/i.test(error.firstLine);
        if (!raced || attempt >= 3) throw error;
      }
    }
  }

  /** Names of cached registry images (tags and digests). */
  async listOci(options: CommandOptions = {}): Promise<string[]> {
    const stdout = await this.#exec(["list", "--source", "oci", "--format", "json"], options);
    return parseTartList(stdout).map((vm) => vm.name);
  }

  async #exec(args: string[], options: CommandOptions): Promise<string> {
    const command = args[0] ?? "";
    const started = Date.now();
    const result = await execa(this.#options.executable, args, {
      env: { ...this.#options.env, ...options.env },
      extendEnv: false,
      reject: false,
      stdin: "ignore",
      timeout: options.timeoutMs ?? this.#options.defaultTimeoutMs ?? 120_000,
      killSignal: "SIGINT",
      forceKillAfterDelay: 10_000,
      ...(options.signal === undefined ? {} : { cancelSignal: options.signal }),
    });
    const outcome: TartCommandOutcome = result.timedOut
      ? "timeout"
      : result.isCanceled
        ? "cancelled"
        : result.exitCode === 0
          ? "ok"
          : "error";
    this.#options.onCommand?.({ command, outcome, durationMs: Date.now() - started });
    if (outcome === "ok") return result.stdout;
    const notFound = (result.cause as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
    throw new TartError({
      code: notFound
        ? "TART_NOT_FOUND"
        : outcome === "timeout"
          ? "TART_TIMEOUT"
          : outcome === "cancelled"
            ? "TART_CANCELLED"
            : "TART_COMMAND_FAILED",
      args,
      exitCode: result.exitCode ?? null,
      firstLine: firstNonEmptyLine(result.stderr, result.stdout),
      cause: result.cause,
    });
  }
}
