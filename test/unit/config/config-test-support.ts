import {
  ConfigError,
  parseExecutorConfig,
  parseRouterConfig,
  type ExecutorConfig,
  type RouterConfig,
} from "../../../src/config/index.js";

export const HOME = "/Users/ci";
export const EXECUTOR_FILE = "/Users/ci/config/tart-executor.yaml";
export const ROUTER_FILE = "/Users/ci/config/tart-router.yaml";

type Env = Record<string, string | undefined>;

/** The smallest valid executor file; `extra` lines are appended at the top level. */
export function executorYaml(extra = ""): string {
  return [
    "hostname: mac-1",
    "github:",
    "  runnerScope: organization",
    "  organizationName: acme",
    "  appId: 42",
    "  privateKey: key.pem",
    "  webhookSecret: s3cret",
    "runner:",
    "  labels: tartelet",
    "webhook:",
    "  port: 3250",
    extra,
  ].join("\n");
}

export function parseExecutor(yaml: string, env: Env = {}): ExecutorConfig {
  return parseExecutorConfig(yaml, EXECUTOR_FILE, { env, homedir: HOME });
}

export function parseRouter(yaml: string, env: Env = {}): RouterConfig {
  return parseRouterConfig(yaml, ROUTER_FILE, { env, homedir: HOME });
}

/** The ConfigError a call throws; fails the test when it does not throw one. */
export function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError, but the configuration was accepted");
}

/** The formatted error lines (what the user sees) of an executor file. */
export function executorErrors(yaml: string, env: Env = {}): string[] {
  return configErrorOf(() => parseExecutor(yaml, env))
    .format()
    .split("\n");
}

export function routerErrors(yaml: string, env: Env = {}): string[] {
  return configErrorOf(() => parseRouter(yaml, env))
    .format()
    .split("\n");
}

/** The smallest valid router file; `extra` lines are appended at the top level. */
export function routerYaml(extra = ""): string {
  return [
    "hostname: router-1",
    "labels: tartelet",
    "port: 3251",
    "webhookSecret: s3cret",
    "hosts:",
    "  - hostname: mac-1",
    "    url: http://10.0.0.1:3250",
    "    priority: 0",
    extra,
  ].join("\n");
}
