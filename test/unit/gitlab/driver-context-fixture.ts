import { PassThrough } from "node:stream";
import type { DriverContext, Env } from "../../../src/gitlab/driver-context.js";
import { runDriver } from "../../../src/gitlab/driver-program.js";

/** Runs the driver in-process with `env`; returns its exit code and what it wrote. */
export async function driver(
  args: readonly string[],
  env: Env,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const context: DriverContext = {
    env: { BUILD_FAILURE_EXIT_CODE: "1", SYSTEM_FAILURE_EXIT_CODE: "2", ...env },
    stdout,
    stderr,
    clock: { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
    hostname: "mini-1",
    pid: process.pid,
    host: { cpus: 8, memoryMiB: 16384 },
    signal: new AbortController().signal,
  };
  const code = await runDriver("gitlab-runner-tart-driver", "9.9.9", args, context);
  return { code, stdout: out, stderr: err };
}
