import type { LogLevel } from "./common-schemas.js";
import type { GuestChannel, PullPolicy } from "./tart-config-schema.js";

/** Where runners register: the original's `runnerScope` with the names each scope needs. */
export type GitHubRunnerScope =
  | { readonly runnerScope: "organization"; readonly organizationName: string }
  | { readonly runnerScope: "repo"; readonly ownerName: string; readonly repositoryName: string };

export type ExecutorGitHubConfig = GitHubRunnerScope & {
  /** REST API base without trailing slash: https://api.github.com, or https://HOST/api/v3 for GHES. */
  readonly apiUrl: string;
  readonly appId: string;
  readonly clientId?: string;
  /** Absolute (or config-relative) path of the App's PEM; the file is read by the CLI, not here. */
  readonly privateKeyPath: string;
  /** From github.webhookSecret, else $TART_EXECUTOR_WEBHOOK_SECRET. Absent only when verification is skipped. */
  readonly webhookSecret?: string;
  /** `webhook` (default) or `scaleset`: long-poll a runner scale set instead (docs/scale-sets.md). */
  readonly jobSource: "webhook" | "scaleset";
  /** The scale set (scaleset mode): name (default derived from `hostname`), runner group, labels (default runner.labels). */
  readonly scaleSet?: {
    readonly name: string;
    readonly runnerGroup: string;
    readonly labels: readonly string[];
  };
};

export interface TartSshConfig {
  readonly username: string;
  readonly password?: string;
  readonly privateKeyPath?: string;
  readonly port: number;
}

export interface TartRegistryConfig {
  readonly hostname: string;
  readonly username: string;
  /** From tart.registry.password, else $TART_EXECUTOR_REGISTRY_PASSWORD. */
  readonly password: string;
}

export interface TartMountConfig {
  readonly name: string;
  readonly path: string;
  readonly readOnly: boolean;
}

export interface TartConfig {
  /** Unset: the CLI looks for `tart` on PATH, then /opt/homebrew/bin/tart, then /usr/local/bin/tart. */
  readonly executable?: string;
  /** Passed to tart as TART_HOME. */
  readonly homeFolder?: string;
  readonly netBridgedAdapter?: string;
  readonly isHeadless: boolean;
  readonly isInsecure: boolean;
  /** Substrings of image references that are pulled with --insecure. */
  readonly insecureDomains: readonly string[];
  /** 1 or 2. */
  readonly numberOfVirtualMachines: number;
  readonly defaultCpu?: number;
  /** Megabytes. */
  readonly defaultMemory?: number;
  readonly pullPolicy: PullPolicy;
  /** How the daemon reaches a guest (default auto: the guest agent if it answers, else SSH). */
  readonly guestChannel: GuestChannel;
  readonly registry?: TartRegistryConfig;
  readonly images: {
    /** Glob patterns (see matchesImagePattern); empty allows every image. */
    readonly allow: readonly string[];
    /** runs-on label → image reference. A null-prototype object, so any label can be looked up safely. */
    readonly aliases: Readonly<Record<string, string>>;
  };
  readonly mounts: readonly TartMountConfig[];
  readonly ssh: TartSshConfig;
}

export interface RunnerConfig {
  /** Trimmed, non-empty, without case-insensitive duplicates; at least one. */
  readonly labels: readonly string[];
  /** Runner group name; absent means the default group. */
  readonly group?: string;
  readonly disableUpdates: boolean;
  /** Exported for the runner after the guest's login profiles (empty when unset). */
  readonly environment: Readonly<Record<string, string>>;
}

export interface ExecutorWebhookConfig {
  /** Bind address. */
  readonly host: string;
  readonly port: number;
  /** Without trailing slash. */
  readonly routerUrl?: string;
  readonly localUrl?: string;
  readonly maxBodyBytes: number;
  readonly insecureSkipSignatureVerification: boolean;
  /** Shared secret a router must present when forwarding jobs. */
  readonly routerToken?: string;
}

export interface ExecutorTimeouts {
  readonly pullMs: number;
  readonly cloneMs: number;
  /** From `tart run` until SSH answers, including `tart ip`. */
  readonly bootMs: number;
  readonly runnerOnlineMs: number;
  /** From runner online until it picks up a job. */
  readonly jobStartMs: number;
  readonly jobMaxMs: number;
  /** How long an idle runner no queued job needs may live. */
  readonly idleMs: number;
  readonly teardownMs: number;
  readonly drainMs: number;
  /** How long finished jobs are remembered, so late or repeated deliveries for them stay harmless. */
  readonly tombstoneMs: number;
  /** How long one GitHub API request may take before it is aborted and retried. */
  readonly githubRequestMs: number;
  /** How long a VM whose job completed may keep running before it is stopped (its guest normally powers off first). */
  readonly afterJobMs: number;
  /** How often the sweep looks for leaked VMs and registrations, and adopted VMs that powered off. */
  readonly sweepMs: number;
}

/** tart-executor.yaml, validated, with defaults applied, paths resolved and durations in milliseconds. */
export interface ExecutorConfig {
  readonly hostname: string;
  /** CPU budget (cores) across running VMs; unset means no CPU budget. */
  readonly cpuLimit?: number;
  /** Memory budget in megabytes across running VMs; unset means no memory budget. */
  readonly totalMemory?: number;
  readonly loggingEndpoint?: string;
  /** Bearer token for /api/v1; absent (or "" in the file) means no authentication, as in the original. */
  readonly apiToken?: string;
  readonly stateDirectory: string;
  readonly logging: { readonly level: LogLevel; readonly vmLogsToKeep: number };
  readonly tart: TartConfig;
  readonly github: ExecutorGitHubConfig;
  readonly runner: RunnerConfig;
  readonly webhook: ExecutorWebhookConfig;
  readonly timeouts: ExecutorTimeouts;
  readonly retries: { readonly maxAttempts: number; readonly backoffMs: number };
  /** Booted VMs with idle runners kept ready for jobs; no pools means none (the default). */
  readonly warmPool: WarmPoolConfig;
}

/** One `warmPool.pools` entry as written (image may be an alias; sizes fall back to tart's defaults). */
export interface WarmPoolEntry {
  readonly image: string;
  readonly cpu?: number;
  /** Megabytes. */
  readonly memory?: number;
  readonly count: number;
}

export interface WarmPoolConfig {
  /** A warm VM older than this is replaced by a fresh one when no job needs its slot. */
  readonly maxAgeMs: number;
  readonly pools: readonly WarmPoolEntry[];
}
