/**
 * `tart-executor doctor` / `tart-router doctor`: find and load the configuration the way the
 * daemon would, run the checks, print the report, return the exit code. The CLI entry only parses
 * flags and sets process.exitCode.
 */
import { existsSync, readFileSync } from "node:fs";
import {
  ConfigError,
  loadExecutorConfig,
  loadRouterConfig,
  resolveExecutorConfigPath,
  resolveRouterConfigPath,
} from "../config/index.js";
import type { ConfigLoad, DoctorDeps } from "../doctor/doctor-deps.js";
import { runExecutorDoctor } from "../doctor/executor-doctor.js";
import { checkGitHubApp } from "../doctor/github-app-check.js";
import { nodeDoctorDeps } from "../doctor/node-doctor-deps.js";
import { runRouterDoctor } from "../doctor/router-doctor.js";
import { doctorExitCode, formatDoctorReport } from "./doctor-report.js";
import { resolveTartExecutable } from "./resolve-tart-executable.js";

export interface DoctorCommandOptions {
  /** The --config flag, if given. */
  readonly configFlag: string | undefined;
  readonly color: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly write: (text: string) => void;
  /** The machine; nodeDoctorDeps(env) unless a test gives its own. */
  readonly deps?: DoctorDeps;
}

type Loader<T> = {
  resolve: typeof resolveExecutorConfigPath;
  load: (
    path: string,
    deps: { env: DoctorDeps["env"]; homedir: string; readFile: (p: string) => string },
  ) => T;
};

function loadConfig<T>(loader: Loader<T>, flag: string | undefined, deps: DoctorDeps): ConfigLoad<T> {
  let path: string | null = null;
  try {
    const env = { env: deps.env, homedir: deps.homedir };
    path = loader.resolve({ ...env, exists: existsSync, ...(flag === undefined ? {} : { flag }) }).path;
    return { path, config: loader.load(path, { ...env, readFile: (file) => readFileSync(file, "utf8") }) };
  } catch (error) {
    if (error instanceof ConfigError) return { path, error };
    throw error;
  }
}

export async function runExecutorDoctorCommand(options: DoctorCommandOptions): Promise<number> {
  const deps = options.deps ?? nodeDoctorDeps(options.env);
  const config = loadConfig(
    { resolve: resolveExecutorConfigPath, load: loadExecutorConfig },
    options.configFlag,
    deps,
  );
  const checks = await runExecutorDoctor({
    ...deps,
    config,
    resolveTart: (configured) => resolveTartExecutable(configured, deps.env["PATH"]),
    checkGitHub: checkGitHubApp,
  });
  options.write(formatDoctorReport(checks, { color: options.color }));
  return doctorExitCode(checks);
}

export async function runRouterDoctorCommand(options: DoctorCommandOptions): Promise<number> {
  const deps = options.deps ?? nodeDoctorDeps(options.env);
  const config = loadConfig(
    { resolve: resolveRouterConfigPath, load: loadRouterConfig },
    options.configFlag,
    deps,
  );
  const checks = await runRouterDoctor({ ...deps, config });
  options.write(formatDoctorReport(checks, { color: options.color }));
  return doctorExitCode(checks);
}
