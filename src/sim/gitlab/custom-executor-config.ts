/**
 * The `[[runners]]` / `[runners.custom]` settings of a GitLab Runner config.toml that the
 * stand-in honours, with gitlab-runner's defaults (executors/custom/consts.go: the config,
 * prepare and cleanup timeouts 1 h, graceful kill 10 min, force kill 10 s).
 */
export interface CustomExecutorConfig {
  readonly builds_dir?: string;
  readonly cache_dir?: string;
  readonly custom: {
    readonly config_exec?: string;
    readonly config_args?: readonly string[];
    readonly config_exec_timeout?: number;
    readonly prepare_exec?: string;
    readonly prepare_args?: readonly string[];
    readonly prepare_exec_timeout?: number;
    readonly run_exec: string;
    readonly run_args?: readonly string[];
    readonly cleanup_exec?: string;
    readonly cleanup_args?: readonly string[];
    readonly cleanup_exec_timeout?: number;
    readonly graceful_kill_timeout?: number;
    readonly force_kill_timeout?: number;
  };
}

export const DEFAULT_EXEC_TIMEOUT_S = 3600;
export const DEFAULT_GRACEFUL_KILL_TIMEOUT_S = 600;
export const DEFAULT_FORCE_KILL_TIMEOUT_S = 10;
/** common/build.go: PreparationRetries and PreparationRetryInterval. */
export const PREPARATION_RETRIES = 3;
export const PREPARATION_RETRY_INTERVAL_MS = 3000;

/** A timeout setting in seconds; unset or ≤ 0 means the default (executors/custom/config.go getDuration). */
export function seconds(value: number | undefined, fallback: number): number {
  return value === undefined || value <= 0 ? fallback : value;
}
