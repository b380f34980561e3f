/** Configuration of tart-executor and tart-router: types, loading, path lookup and masking. */
export { ConfigError, CONFIG_EXIT_CODE, formatConfigIssue, type ConfigIssue } from "./config-error.js";
export type { ConfigEnvironment, LoadConfigDeps } from "./config-deps.js";
export { LOG_LEVELS, type LogLevel } from "./common-schemas.js";
export type {
  ExecutorConfig,
  ExecutorGitHubConfig,
  ExecutorTimeouts,
  ExecutorWebhookConfig,
  GitHubRunnerScope,
  RunnerConfig,
  TartConfig,
  TartMountConfig,
  TartRegistryConfig,
  TartSshConfig,
  WarmPoolConfig,
  WarmPoolEntry,
} from "./executor-config.js";
export { EXECUTOR_DEFAULTS, EXECUTOR_ENV } from "./executor-defaults.js";
export { RUNNER_SCOPES, type RunnerScope } from "./executor-config-schema.js";
export { MAX_MACOS_VMS, PULL_POLICIES, type PullPolicy } from "./tart-config-schema.js";
export { loadExecutorConfig, parseExecutorConfig } from "./load-executor-config.js";
export type { RouterConfig, RouterGitHubConfig, RouterHostConfig } from "./router-config.js";
export { ROUTER_DEFAULTS, ROUTER_ENV } from "./router-defaults.js";
export { loadRouterConfig, parseRouterConfig } from "./load-router-config.js";
export {
  resolveExecutorConfigPath,
  resolveRouterConfigPath,
  type ResolveConfigPathOptions,
  type ResolvedConfigPath,
} from "./resolve-config-path.js";
export { MASK, maskRouterSecrets, maskSecrets } from "./mask-secrets.js";
export { isImageAllowed, matchesImagePattern } from "./image-pattern.js";
