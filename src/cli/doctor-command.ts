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
  type ExecutorConfig,
  type LoadConfigDeps,
  type ResolveConfigPathOptions,
  type ResolvedConfigPath,
  type RouterConfig,
} from "../config/index.js";
import type { ConfigLoad, DoctorDeps } from "../doctor/doctor-deps.js";
import { doctorTart } from "../doctor/doctor-tart.js";
import { runExecutorDoctor } from "../doctor/executor-doctor.js";
import { checkGitHubApp, checkRouterGitHubApp } from "../doctor/github-app-check.js";
import { nodeDoctorDeps } from "../doctor/node-doctor-deps.js";
import { runRouterDoctor } from "../doctor/router-doctor.js";
import { doctorExitCode, formatDoctorReport } from "./doctor-report.js";
import { resolveTartExecutable } from "./resolve-tart-executable.js";
import { scaleSetDoctorCheck } from "./scaleset-doctor-check.js";

export interface DoctorCommandOptions {
  /** The --config flag, if given. */
  readonly configFlag: string | undefined;
  readonly color: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly write: (text: string) => void;
  /** The machine; nodeDoctorDeps(env) unless a test gives its own. */
  readonly deps?: DoctorDeps;
}

function loadConfig<T>(
  resolve: (options: ResolveConfigPathOptions) => ResolvedConfigPath,
  load: (path: string, deps: LoadConfigDeps) => T,
  flag: string | undefined,
  deps: DoctorDeps,
): ConfigLoad<T> {
  let path: string | null = null;
  try {
    const env = { env: deps.env, homedir: deps.homedir };
    path = resolve({ ...env, exists: existsSync, ...(flag === undefined ? {} : { flag }) }).path;
    return { path, config: load(path, { ...env, readFile: (file) => readFileSync(file, "utf8") }) };
  } catch (error) {
    if (error instanceof ConfigError) return { path, error };
    throw error;
  }
}

/** tart-executor.yaml as the daemon finds it: --config, $TART_EXECUTOR_CONFIG, ~, Homebrew's etc. */
export function loadExecutorConfigForDoctor(
  flag: string | undefined,
  deps: DoctorDeps,
): ConfigLoad<ExecutorConfig> {
  return loadConfig(resolveExecutorConfigPath, loadExecutorConfig, flag, deps);
}

export function loadRouterConfigForDoctor(
  flag: string | undefined,
  deps: DoctorDeps,
): ConfigLoad<RouterConfig> {
  return loadConfig(resolveRouterConfigPath, loadRouterConfig, flag, deps);
}

export async function runExecutorDoctorCommand(options: DoctorCommandOptions): Promise<number> {
  const deps = options.deps ?? nodeDoctorDeps(options.env);
  const checks = await runExecutorDoctor({
    ...deps,
    config: loadExecutorConfigForDoctor(options.configFlag, deps),
    resolveTart: (configured) => resolveTartExecutable(configured, deps.env["PATH"]),
    tartAt: doctorTart,
    checkGitHub: checkGitHubApp,
    checkScaleSet: (config, pem) => scaleSetDoctorCheck(config, pem),
  });
  options.write(formatDoctorReport(checks, { color: options.color }));
  return doctorExitCode(checks);
}

export async function runRouterDoctorCommand(options: DoctorCommandOptions): Promise<number> {
  const deps = options.deps ?? nodeDoctorDeps(options.env);
  const checks = await runRouterDoctor({
    ...deps,
    config: loadRouterConfigForDoctor(options.configFlag, deps),
    checkGitHub: checkRouterGitHubApp,
  });
  options.write(formatDoctorReport(checks, { color: options.color }));
  return doctorExitCode(checks);
}
