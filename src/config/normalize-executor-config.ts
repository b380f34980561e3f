import path from "node:path";
import { scaleSetNameFrom } from "./scale-set-name.js";
import { envValue, type ConfigEnvironment } from "./config-deps.js";
import { secondsToMs } from "./duration.js";
import type { RawExecutorConfig } from "./executor-config-schema.js";
import type { ExecutorConfig, ExecutorGitHubConfig, TartConfig } from "./executor-config.js";
import { EXECUTOR_DEFAULTS as D, EXECUTOR_ENV } from "./executor-defaults.js";
import { defined } from "./defined.js";
import { expandPath } from "./expand-path.js";
import { WARM_MAX_AGE_SECONDS } from "./warm-pool-schema.js";

type Paths = { homedir: string; baseDir: string };

// A bare `tart` is a command name for the CLI's PATH lookup; anything with a slash or ~ is a path.
function executablePath(value: string | undefined, paths: Paths): string | undefined {
  if (value === undefined) return undefined;
  return value.includes("/") || value.startsWith("~") ? expandPath(value, paths) : value;
}

function normalizeTart(
  raw: RawExecutorConfig["tart"] = {},
  env: ConfigEnvironment["env"],
  paths: Paths,
): TartConfig {
  const ssh = raw.ssh ?? {};
  const registry = raw.registry;
  const registryPassword = registry?.password ?? envValue(env, EXECUTOR_ENV.registryPassword);
  return {
    ...defined({
      executable: executablePath(raw.executable, paths),
      homeFolder: raw.homeFolder === undefined ? undefined : expandPath(raw.homeFolder, paths),
      netBridgedAdapter: raw.netBridgedAdapter,
      defaultCpu: raw.defaultCpu,
      defaultMemory: raw.defaultMemory,
      registry:
        registry === undefined || registryPassword === undefined
          ? undefined
          : { hostname: registry.hostname, username: registry.username, password: registryPassword },
    }),
    isHeadless: raw.isHeadless ?? false,
    isInsecure: raw.isInsecure ?? false,
    insecureDomains: raw.insecureDomains ?? [],
    numberOfVirtualMachines: raw.numberOfVirtualMachines ?? D.numberOfVirtualMachines,
    pullPolicy: raw.pullPolicy ?? D.pullPolicy,
    guestChannel: raw.guestChannel ?? D.guestChannel,
    images: {
      allow: raw.images?.allow ?? [],
      aliases: Object.assign(Object.create(null) as Record<string, string>, raw.images?.aliases ?? {}),
    },
    mounts: (raw.mounts ?? []).map((m) => ({
      name: m.name,
      path: expandPath(m.path, paths),
      readOnly: m.readOnly ?? false,
    })),
    ssh: {
      username: ssh.username ?? D.sshUsername,
      // The default password applies only when no key is configured, so key-only setups stay key-only.
      ...defined({
        password: ssh.password ?? (ssh.privateKey === undefined ? D.sshPassword : undefined),
        privateKeyPath: ssh.privateKey === undefined ? undefined : expandPath(ssh.privateKey, paths),
      }),
      port: ssh.port ?? D.sshPort,
    },
  };
}

function normalizeGitHub(
  raw: RawExecutorConfig["github"],
  env: ConfigEnvironment["env"],
  paths: Paths,
  runner: { readonly labels: readonly string[]; readonly hostname: string },
): ExecutorGitHubConfig {
  // checkExecutorConfig has already required the names each scope needs.
  const scope =
    raw.runnerScope === "organization"
      ? { runnerScope: "organization" as const, organizationName: raw.organizationName ?? "" }
      : {
          runnerScope: "repo" as const,
          ownerName: raw.ownerName ?? "",
          repositoryName: raw.repositoryName ?? "",
        };
  return {
    ...scope,
    apiUrl: raw.apiUrl ?? D.githubApiUrl,
    appId: raw.appId,
    privateKeyPath: expandPath(raw.privateKey, paths),
    jobSource: raw.jobSource ?? "webhook",
    ...(raw.jobSource === "scaleset" || raw.scaleSet !== undefined
      ? {
          scaleSet: {
            name: raw.scaleSet?.name ?? scaleSetNameFrom(runner.hostname),
            runnerGroup: raw.scaleSet?.runnerGroup ?? "default",
            labels: raw.scaleSet?.labels ?? runner.labels,
          },
        }
      : {}),
    // The file wins over the environment: what is written next to the other settings is what applies.
    ...defined({
      clientId: raw.clientId,
      webhookSecret: raw.webhookSecret ?? envValue(env, EXECUTOR_ENV.webhookSecret),
    }),
  };
}

/** Applies defaults, resolves paths against the config file's directory and converts seconds to milliseconds. */
export function normalizeExecutorConfig(
  raw: RawExecutorConfig,
  file: string,
  deps: ConfigEnvironment,
): ExecutorConfig {
  const paths = { homedir: deps.homedir, baseDir: path.dirname(file) };
  const t = raw.timeouts ?? {};
  const d = D.timeoutSeconds;
  return {
    hostname: raw.hostname,
    ...defined({
      cpuLimit: raw.cpuLimit,
      totalMemory: raw.totalMemory,
      loggingEndpoint: raw.loggingEndpoint,
      apiToken: raw.apiToken === "" ? undefined : raw.apiToken,
    }),
    stateDirectory: expandPath(raw.stateDirectory ?? path.join(deps.homedir, D.stateDirectoryName), paths),
    logging: {
      level: raw.logging?.level ?? D.logLevel,
      vmLogsToKeep: raw.logging?.vmLogsToKeep ?? D.vmLogsToKeep,
    },
    tart: normalizeTart(raw.tart, deps.env, paths),
    github: normalizeGitHub(raw.github, deps.env, paths, {
      labels: raw.runner.labels,
      hostname: raw.hostname,
    }),
    runner: {
      labels: raw.runner.labels,
      ...defined({ group: raw.runner.group === "" ? undefined : raw.runner.group }),
      disableUpdates: raw.runner.disableUpdates ?? false,
      environment: { ...raw.runner.environment },
    },
    webhook: {
      host: raw.webhook.host ?? D.webhookHost,
      port: raw.webhook.port,
      ...defined({
        routerUrl: raw.webhook.routerUrl,
        localUrl: raw.webhook.localUrl,
        routerToken: raw.webhook.routerToken,
      }),
      maxBodyBytes: raw.webhook.maxBodyBytes ?? D.maxBodyBytes,
      insecureSkipSignatureVerification: raw.webhook.insecureSkipSignatureVerification ?? false,
    },
    timeouts: {
      pullMs: secondsToMs(t.pull ?? d.pull),
      cloneMs: secondsToMs(t.clone ?? d.clone),
      bootMs: secondsToMs(t.boot ?? d.boot),
      runnerOnlineMs: secondsToMs(t.runnerOnline ?? d.runnerOnline),
      jobStartMs: secondsToMs(t.jobStart ?? d.jobStart),
      jobMaxMs: secondsToMs(t.jobMax ?? d.jobMax),
      idleMs: secondsToMs(t.idle ?? d.idle),
      teardownMs: secondsToMs(t.teardown ?? d.teardown),
      drainMs: secondsToMs(t.drain ?? d.drain),
      tombstoneMs: secondsToMs(t.tombstone ?? d.tombstone),
      githubRequestMs: secondsToMs(t.githubRequest ?? d.githubRequest),
      afterJobMs: secondsToMs(t.afterJob ?? d.afterJob),
      sweepMs: secondsToMs(t.sweep ?? d.sweep),
    },
    retries: {
      maxAttempts: raw.retries?.maxAttempts ?? D.retryMaxAttempts,
      backoffMs: secondsToMs(raw.retries?.backoffSeconds ?? D.retryBackoffSeconds),
    },
    warmPool: {
      maxAgeMs: secondsToMs(raw.warmPool?.maxAge ?? WARM_MAX_AGE_SECONDS),
      pools: (raw.warmPool?.pools ?? []).map((p) => ({
        image: p.image,
        count: p.count,
        ...defined({ cpu: p.cpu, memory: p.memory }),
      })),
    },
  };
}
