import type { ExecutorConfig } from "./executor-config.js";
import type { RouterConfig } from "./router-config.js";

/** What a secret is shown as in `check-config` output and in the settings API. */
export const MASK = "***";

/** A copy of `value` with each listed key that is set replaced by the mask. */
function maskKeys<T extends object>(value: T, keys: readonly (keyof T)[]): T {
  const copy = { ...value };
  for (const key of keys) {
    if (copy[key] !== undefined) (copy as Record<keyof T, unknown>)[key] = MASK;
  }
  return copy;
}

/**
 * The config with every secret replaced by `***`: webhook secret, API token, SSH password,
 * registry password and router token. Paths (such as the GitHub App key's) stay visible: they
 * help debugging and are not secret themselves.
 */
export function maskSecrets(config: ExecutorConfig): ExecutorConfig {
  const { tart } = config;
  return {
    ...maskKeys(config, ["apiToken"]),
    tart: {
      ...tart,
      ssh: maskKeys(tart.ssh, ["password"]),
      ...(tart.registry === undefined ? {} : { registry: maskKeys(tart.registry, ["password"]) }),
    },
    github: maskKeys(config.github, ["webhookSecret"]),
    webhook: maskKeys(config.webhook, ["routerToken"]),
  };
}

/** The router config with its secrets (webhook secret, API token, executor token) replaced by `***`. */
export function maskRouterSecrets(config: RouterConfig): RouterConfig {
  return maskKeys(config, ["apiToken", "webhookSecret", "executorToken"]);
}
