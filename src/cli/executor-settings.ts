/**
 * What the executor's parts need from tart-executor.yaml, derived in one place: the reconciler's
 * policy, the host's capacity and the VM lifecycle's settings. Pure functions of the configuration.
 */
import type { ExecutorConfig } from "../config/executor-config.js";
import type { Capacity, ReconcilePolicy } from "../executor/model.js";
import type { VmSettings } from "../executor/vm-settings.js";

/** Headroom over a phase's own timeouts before the reconciler calls a VM stuck. */
const PHASE_MARGIN_MS = 60_000;

export function reconcilePolicy(config: ExecutorConfig): ReconcilePolicy {
  const t = config.timeouts;
  return {
    idleTimeoutMs: t.idleMs,
    maxAttempts: config.retries.maxAttempts,
    completedGraceMs: t.afterJobMs,
    tombstoneMs: t.tombstoneMs,
    retryBackoffMs: config.retries.backoffMs,
    phaseDeadlineMs: {
      cloning: t.pullMs + t.cloneMs + PHASE_MARGIN_MS,
      booting: t.bootMs + PHASE_MARGIN_MS,
      provisioning: t.runnerOnlineMs + PHASE_MARGIN_MS,
      idle: t.jobStartMs,
      busy: t.jobMaxMs,
      "tearing-down": t.teardownMs + PHASE_MARGIN_MS,
    },
  };
}

export function hostCapacity(config: ExecutorConfig): Omit<Capacity, "accepting"> {
  return {
    maxVms: config.tart.numberOfVirtualMachines,
    cpuLimit: config.cpuLimit ?? null,
    memoryLimitMiB: config.totalMemory ?? null,
  };
}

export function vmSettings(config: ExecutorConfig, vmLogDir: string): VmSettings {
  const t = config.timeouts;
  return {
    pullPolicy: config.tart.pullPolicy,
    guestChannel: config.tart.guestChannel,
    runnerEnvironment: config.runner.environment,
    macSeed: config.hostname,
    insecure: (image) =>
      config.tart.isInsecure || config.tart.insecureDomains.some((domain) => image.includes(domain)),
    registryEnv:
      config.tart.registry === undefined
        ? {}
        : {
            TART_REGISTRY_HOSTNAME: config.tart.registry.hostname,
            TART_REGISTRY_USERNAME: config.tart.registry.username,
            TART_REGISTRY_PASSWORD: config.tart.registry.password,
          },
    noGraphics: config.tart.isHeadless,
    netBridged: config.tart.netBridgedAdapter ?? null,
    dirs: config.tart.mounts.map((mount) => `${mount.name}:${mount.path}${mount.readOnly ? ":ro" : ""}`),
    runnerGroup: config.runner.group ?? null,
    disableUpdates: config.runner.disableUpdates,
    workFolder: "_work",
    guestRunnerDir: "~/actions-runner",
    vmLogDir,
    timeouts: {
      pullMs: t.pullMs,
      cloneMs: t.cloneMs,
      bootMs: t.bootMs,
      runnerOnlineMs: t.runnerOnlineMs,
      teardownMs: t.teardownMs,
    },
  };
}
