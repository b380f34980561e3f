/**
 * What `doctor` needs from the machine, passed in so tests decide it: the environment, the
 * filesystem, child processes, sockets and HTTP. node-doctor-deps.ts builds the real ones.
 */
import type { Stats, StatsFs } from "node:fs";
import type { ConfigError } from "../config/config-error.js";

export interface CommandResult {
  /** null when the process did not exit normally (killed, timed out, not found). */
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export type RunCommand = (
  file: string,
  args: readonly string[],
  options?: { readonly env?: Readonly<Record<string, string>>; readonly timeoutMs?: number },
) => Promise<CommandResult>;

export interface DoctorFs {
  stat(path: string): Promise<Pick<Stats, "mode" | "isDirectory" | "isFile">>;
  /** Resolves when `mode` (fs.constants.R_OK/W_OK/X_OK) is allowed, rejects like fs.promises.access. */
  access(path: string, mode: number): Promise<void>;
  readFile(path: string): Promise<string>;
  statfs(path: string): Pick<StatsFs, "bavail" | "bsize">;
}

/** What binding a port came to: free, or the errno code (EADDRINUSE, EACCES, EADDRNOTAVAIL…). */
export type PortProbe = { readonly free: true } | { readonly free: false; readonly code: string };

export interface DoctorDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homedir: string;
  readonly platform: NodeJS.Platform;
  /** Logical CPUs of this Mac (os.availableParallelism()), for Tart's licence note. */
  readonly cpuCount: number;
  readonly fs: DoctorFs;
  readonly runCommand: RunCommand;
  /** Binds host:port and releases it at once. */
  readonly probePort: (host: string, port: number) => Promise<PortProbe>;
  readonly fetch: typeof globalThis.fetch;
}

/** The configuration as the CLI found it: loaded, or why not (path null when none was found). */
export type ConfigLoad<T> =
  | { readonly path: string; readonly config: T }
  | { readonly path: string | null; readonly error: ConfigError };
