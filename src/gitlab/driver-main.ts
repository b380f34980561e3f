/**
 * The driver process: the only place that reads process.env/argv, installs the SIGTERM handler
 * (GitLab Runner's timeout and cancel) and sets the exit code.
 */
import { cpus, hostname, totalmem } from "node:os";
import { systemClock } from "../clock.js";
import { packageVersion } from "../cli/package-version.js";
import { runDriver } from "./driver-program.js";

export async function runGitlabDriverCli(args: readonly string[], name: string): Promise<void> {
  const terminate = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!terminate.signal.aborted) process.stderr.write(`${name}: ${signal} received, stopping\n`);
    terminate.abort(new Error(`${signal} received`));
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  const code = await runDriver(name, packageVersion(), args, {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    clock: systemClock,
    hostname: hostname(),
    pid: process.pid,
    host: { cpus: cpus().length, memoryMiB: Math.floor(totalmem() / (1024 * 1024)) },
    signal: terminate.signal,
  });
  process.exitCode = code;
}
