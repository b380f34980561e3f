/**
 * Everything a stage needs from the outside world, passed in (so tests drive it): the process
 * environment GitLab Runner gave us, the job log streams, the clock, this host, tart, and where
 * the driver keeps its slot files and per-job directories.
 */
import { homedir } from "node:os";
import path from "node:path";
import type { Clock } from "../clock.js";
import { Tart } from "../tart/tart.js";
import { tartEnvironment } from "../tart/tart-environment.js";

export type Env = Readonly<Record<string, string | undefined>>;

export interface DriverContext {
  readonly env: Env;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly clock: Clock;
  readonly hostname: string;
  readonly pid: number;
  readonly host: { readonly cpus: number; readonly memoryMiB: number };
  /** Aborted on SIGTERM (GitLab Runner's timeout or cancel). */
  readonly signal: AbortSignal;
}

export interface TartAccess {
  readonly executable: string;
  readonly env: Readonly<Record<string, string>>;
  readonly tart: Tart;
}

export function tartAccess(context: DriverContext, executable: string): TartAccess {
  const env = tartEnvironment(context.env, undefined);
  for (const name of Object.keys(env)) if (name.startsWith("CUSTOM_ENV_")) delete env[name];
  return { executable, env, tart: new Tart({ executable, env, defaultTimeoutMs: 120_000 }) };
}

/** `$TART_GITLAB_STATE_DIR`, else `~/.tart-executor/gitlab`: slot files and per-job directories. */
export function stateDirectory(env: Env): string {
  return env["TART_GITLAB_STATE_DIR"] ?? path.join(env["HOME"] ?? homedir(), ".tart-executor", "gitlab");
}

/** The guests' SSH port: `$TART_GITLAB_SSH_PORT` (an operator setting), else 22. */
export function guestSshPort(env: Env): number {
  const value = env["TART_GITLAB_SSH_PORT"];
  const port = value === undefined ? 22 : Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new Error(`TART_GITLAB_SSH_PORT=${value} is not a port`);
  return port;
}

export function jobDirectory(env: Env, jobId: string): string {
  return path.join(stateDirectory(env), "jobs", jobId);
}

/** Writes one line to the job log (stderr: GitLab Runner prints it for every stage). */
export function say(context: DriverContext, line: string): void {
  context.stderr.write(`${line}\n`);
}
