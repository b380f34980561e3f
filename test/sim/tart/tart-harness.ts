/**
 * Test harness for the simulated tart: a throw-away TART_HOME, its simulation config, helpers to
 * seed VMs in tart's real layout, and runners for the real `sim-bin/tart` executable.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { seedGuest } from "../../../src/sim/guest/seed-guest.js";
import { simImageSchema } from "../../../src/sim/sim-config.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const TART_BIN = path.join(ROOT, "sim-bin", "tart");
const MAIN_JS = path.join(ROOT, "dist", "sim", "tart", "main.js");

/** Fails with a clear message when the simulated tart has not been built. */
export function assertBuilt(): void {
  if (!existsSync(MAIN_JS)) {
    throw new Error(
      `${MAIN_JS} is missing: build first with \`npx tsc -p tsconfig.build.json\` (npm test does).`,
    );
  }
}

export interface TartResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface SimHome {
  readonly home: string;
  readonly simDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly ipPrefix: string;
  /** Runs `tart args…` to completion (bounded by `timeoutMs`). */
  tart(args: readonly string[], options?: RunOptions): Promise<TartResult>;
  /** Starts a long-running `tart` (e.g. `run`) and returns a handle to watch and signal it. */
  start(args: readonly string[], options?: RunOptions): TartProcess;
  writeConfig(config: Record<string, unknown>): void;
  cleanup(): Promise<void>;
}

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
  readonly timeoutMs?: number;
}

const children = new Set<ChildProcess>();

export function createSimHome(config: Record<string, unknown> = {}): SimHome {
  const home = mkdtempSync(path.join(os.tmpdir(), "tart-sim-test-"));
  const simDir = path.join(home, ".sim");
  mkdirSync(simDir, { recursive: true });
  const ipPrefix = `127.${100 + Math.floor(Math.random() * 150)}`;
  const sshPort = 20_000 + Math.floor(Math.random() * 20_000);
  const base = { delays: { ipPollMs: 50, stopPollMs: 20 }, network: { ipPrefix, sshPort } };
  const writeConfig = (extra: Record<string, unknown>): void =>
    writeFileSync(path.join(simDir, "config.json"), JSON.stringify(merge(base, extra)));
  writeConfig(config);
  const env: NodeJS.ProcessEnv = { PATH: process.env["PATH"], HOME: home, TART_HOME: home, CI: "1" };
  const start = (args: readonly string[], options: RunOptions = {}): TartProcess =>
    new TartProcess(args, { ...env, ...options.env }, options.input);
  return {
    home,
    simDir,
    env,
    ipPrefix,
    start,
    tart: (args, options = {}) => start(args, options).result(options.timeoutMs ?? 20_000),
    writeConfig,
    cleanup: async () => {
      await Promise.all([...children].map((c) => killAndWait(c)));
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export class TartProcess {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  readonly exited: Promise<TartResult>;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv, input?: string) {
    this.child = spawn(TART_BIN, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    children.add(this.child);
    this.child.stdout?.on("data", (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr?.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.child.stdin?.end(input ?? "");
    this.exited = new Promise((resolve) => {
      this.child.once("close", (code, signal) => {
        children.delete(this.child);
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** The final result; kills the process and fails if it does not end within `timeoutMs`. */
  async result(timeoutMs = 20_000): Promise<TartResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill("SIGKILL");
        reject(
          new Error(`tart did not exit within ${timeoutMs} ms; stdout=${this.stdout} stderr=${this.stderr}`),
        );
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves once stdout contains `text` (bounded). */
  async waitForStdout(text: string, timeoutMs = 15_000): Promise<void> {
    await waitFor(
      () => this.stdout.includes(text),
      timeoutMs,
      () => `"${text}" in stdout: ${this.stdout}`,
    );
  }
}

/** Polls `condition` every 25 ms until it holds or `timeoutMs` passes. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  describe: () => string = () => "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${describe()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface SeedOptions {
  readonly os?: "darwin" | "linux";
  readonly cpu?: number;
  readonly memoryMiB?: number;
  readonly diskGB?: number;
  readonly mac?: string;
  /** The guest disk's image settings (simImageSchema; e.g. `{ hasAgent: false }`), or false for no guest disk. */
  readonly guest?: Record<string, unknown> | false;
}

/** Creates `vms/<name>/{config.json,disk.img,nvram.bin}` directly, as a test fixture. */
export function seedVm(home: string, name: string, options: SeedOptions = {}): string {
  const dir = path.join(home, "vms", name);
  mkdirSync(dir, { recursive: true });
  const memory = (options.memoryMiB ?? 8192) * 1024 * 1024;
  const config = {
    version: 1,
    os: options.os ?? "darwin",
    arch: "arm64",
    ...(options.os === "linux" ? {} : { ecid: "AAAA", hardwareModel: "AAAA" }),
    cpuCountMin: options.cpu ?? 4,
    cpuCount: options.cpu ?? 4,
    memorySizeMin: memory,
    memorySize: memory,
    macAddress: options.mac ?? randomMac(),
    display: { width: 1024, height: 768 },
    diskFormat: "raw",
  };
  writeFileSync(path.join(dir, "config.json"), JSON.stringify(config));
  writeFileSync(path.join(dir, "disk.img"), "");
  truncateSync(path.join(dir, "disk.img"), (options.diskGB ?? 50) * 1e9);
  writeFileSync(path.join(dir, "nvram.bin"), "");
  if (options.guest !== false) seedGuest(path.join(dir, "guest"), simImageSchema.parse(options.guest ?? {}));
  return dir;
}

export function readJsonl(file: string): Record<string, unknown>[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function randomMac(): string {
  const octets = Array.from({ length: 6 }, () => Math.floor(Math.random() * 256));
  octets[0] = ((octets[0] ?? 0) & 0xfc) | 0x02;
  return octets.map((o) => o.toString(16).padStart(2, "0")).join(":");
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const prev = out[key];
    out[key] = isObject(prev) && isObject(value) ? merge(prev, value) : value;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  child.kill("SIGKILL");
  await Promise.race([closed, new Promise((r) => setTimeout(r, 5_000))]);
}
