/**
 * Runs the runner stand-in as its own process, from source through tsx (the scripts in a seeded
 * guest run the compiled copy; see guest-runner-e2e.test.ts), collecting its output.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { HOMEBREW_EXECUTABLES } from "../../../../src/sim/guest/homebrew-files.js";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const entry = path.join(repoRoot, "src/sim/guest/runner/main.ts");

export interface RunnerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunnerProcess {
  readonly child: ChildProcess;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<RunnerExit>;
}

/** `mode` is `run`, `config` or `listener`; `root` is the runner directory. */
export function startRunner(
  mode: string,
  args: readonly string[],
  root: string,
  env: Readonly<Record<string, string>> = {},
): RunnerProcess {
  // The job's steps need Homebrew and a UTF-8 locale, as on a runner started from a login shell.
  const brewBin = installTestHomebrew(root);
  const child = spawn(process.execPath, ["--import", "tsx", entry, mode, ...args], {
    cwd: repoRoot,
    env: {
      PATH: `${brewBin}:${process.env["PATH"] ?? "/usr/bin:/bin"}`,
      LANG: "en_US.UTF-8",
      USER: "admin",
      TART_SIM_RUNNER_ROOT: root,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<RunnerExit>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Runs to completion, killing the runner if it takes longer than `timeoutMs`. */
export async function runRunner(
  mode: string,
  args: readonly string[],
  root: string,
  env: Readonly<Record<string, string>> = {},
  timeoutMs = 15_000,
): Promise<RunnerExit> {
  const runner = startRunner(mode, args, root, env);
  const timer = setTimeout(() => runner.child.kill("SIGKILL"), timeoutMs);
  try {
    return await runner.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** The guest's Homebrew stand-ins in `<root>/.test-homebrew/bin` (idempotent); returns that dir. */
export function installTestHomebrew(root: string): string {
  const bin = path.join(root, ".test-homebrew", "bin");
  mkdirSync(bin, { recursive: true });
  for (const [file, content] of Object.entries(HOMEBREW_EXECUTABLES)) {
    writeFileSync(path.join(bin, path.basename(file)), content, { mode: 0o755 });
  }
  try {
    symlinkSync(process.execPath, path.join(bin, "node"));
  } catch {
    // already there
  }
  return bin;
}
