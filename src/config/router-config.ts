import type { LogLevel } from "./common-schemas.js";
import type { ExecutorGitHubConfig } from "./executor-config.js";

/** One executor the router forwards jobs to. */
export interface RouterHostConfig {
  /** Should equal that executor's own `hostname`. */
  readonly hostname: string;
  /** Executor base URL without trailing slash. */
  readonly url: string;
  /** Lower is tried first; equal priorities keep file order. */
  readonly priority: number;
  /** Jobs asking for more CPUs (cpu:N) than this skip the host. */
  readonly cpuLimit?: number;
  /** Jobs asking for more memory (memory:N, MB) than this skip the host. */
  readonly memoryLimit?: number;
}

/**
 * The GitHub App the webhooks come from, as in tart-executor.yaml (`github.appId`, `privateKey`,
 * `apiUrl`): with it the router recovers deliveries that failed while it was down.
 */
export type RouterGitHubConfig = Pick<ExecutorGitHubConfig, "apiUrl" | "appId" | "privateKeyPath">;

/** tart-router.yaml, validated, with defaults applied and durations in milliseconds. */
export interface RouterConfig {
  readonly hostname: string;
  /** From `labels` or `label`; trimmed, non-empty, at least one. */
  readonly labels: readonly string[];
  /** Bind address. */
  readonly host: string;
  readonly port: number;
  /** Sorted by priority, ascending (stable). */
  readonly hosts: readonly RouterHostConfig[];
  readonly loggingEndpoint?: string;
  readonly apiToken?: string;
  /** From webhookSecret, else $TART_ROUTER_WEBHOOK_SECRET. Absent only when verification is skipped. */
  readonly webhookSecret?: string;
  readonly insecureSkipSignatureVerification: boolean;
  /** Shared secret sent to executors (their webhook.routerToken). */
  readonly executorToken?: string;
  /** Absent: jobs queued while the router was down cannot be recovered. */
  readonly github?: RouterGitHubConfig;
  readonly stateDirectory: string;
  readonly logging: { readonly level: LogLevel };
  readonly statusIntervalMs: number;
  readonly forwardTimeoutMs: number;
  readonly hostBackoff: { readonly initialMs: number; readonly maxMs: number };
  readonly maxBodyBytes: number;
}
