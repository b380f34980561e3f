/**
 * What the GitLab driver needs from tart beyond src/tart/tart.ts today: `tart run` with softnet,
 * VNC and directory shares, detached and unreferenced (the driver's prepare exits while the VM
 * runs on), and `tart set --display`. Candidates to move into the Tart adapter.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { execa } from "execa";
import { TartError, firstNonEmptyLine } from "../tart/tart-error.js";

export interface DetachedRunOptions {
  readonly noGraphics: boolean;
  readonly softnet: boolean;
  readonly vnc: boolean;
  /** `--dir` values in tart's `[name:]path[:ro]` form. */
  readonly dirs: readonly string[];
  readonly logFile: string;
}

export interface DetachedRun {
  readonly pid: number;
  /** Settles if `tart run` exits (a VM that failed to start, or was stopped). */
  readonly exited: Promise<number | null>;
}

export function tartRunDetached(
  tart: { executable: string; env: Readonly<Record<string, string>> },
  name: string,
  options: DetachedRunOptions,
): DetachedRun {
  const args = ["run", name];
  if (options.noGraphics) args.push("--no-graphics");
  if (options.softnet) args.push("--net-softnet");
  if (options.vnc) args.push("--vnc");
  for (const dir of options.dirs) args.push(`--dir=${dir}`);
  // The VM's output goes to a file the child owns alone: the driver exits while the VM runs on.
  const log = openSync(options.logFile, "a");
  let child;
  try {
    child = spawn(tart.executable, args, {
      env: { ...tart.env },
      detached: true,
      stdio: ["ignore", log, log],
    });
  } finally {
    closeSync(log);
  }
  if (child.pid === undefined)
    throw new TartError({ code: "TART_NOT_FOUND", args, exitCode: null, firstLine: "" });
  child.unref();
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.once("error", () => resolve(null));
  });
  return { pid: child.pid, exited };
}

export async function tartSetDisplay(
  tart: { executable: string; env: Readonly<Record<string, string>> },
  name: string,
  display: string,
): Promise<void> {
  const args = ["set", name, "--display", display];
  const result = await execa(tart.executable, args, {
    env: { ...tart.env },
    extendEnv: false,
    reject: false,
    stdin: "ignore",
    timeout: 60_000,
    killSignal: "SIGINT",
  });
  if (result.exitCode !== 0)
    throw new TartError({
      code: "TART_COMMAND_FAILED",
      args,
      exitCode: result.exitCode ?? null,
      firstLine: firstNonEmptyLine(result.stderr, result.stdout),
    });
}
