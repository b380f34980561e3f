import path from "node:path";
import { envValue, type ConfigEnvironment } from "./config-deps.js";
import { defined } from "./defined.js";
import { secondsToMs } from "./duration.js";
import { expandPath } from "./expand-path.js";
import type { RawRouterConfig } from "./router-config-schema.js";
import type { RouterConfig } from "./router-config.js";
import { ROUTER_DEFAULTS as D, ROUTER_ENV } from "./router-defaults.js";

/** Applies defaults, sorts hosts by priority and converts seconds to milliseconds. */
export function normalizeRouterConfig(
  raw: RawRouterConfig,
  file: string,
  deps: ConfigEnvironment,
): RouterConfig {
  const paths = { homedir: deps.homedir, baseDir: path.dirname(file) };
  // Array.prototype.sort is stable, so equal priorities keep the order of the file.
  const hosts = [...raw.hosts]
    .sort((a, b) => a.priority - b.priority)
    .map((h) => ({
      hostname: h.hostname,
      url: h.url,
      priority: h.priority,
      ...defined({ cpuLimit: h.cpuLimit, memoryLimit: h.memoryLimit }),
    }));
  return {
    hostname: raw.hostname,
    // checkRouterConfig has already required exactly one of the two spellings.
    labels: raw.labels ?? raw.label ?? [],
    host: raw.host ?? D.host,
    port: raw.port,
    hosts,
    ...defined({
      loggingEndpoint: raw.loggingEndpoint,
      apiToken: raw.apiToken === "" ? undefined : raw.apiToken,
      webhookSecret: raw.webhookSecret ?? envValue(deps.env, ROUTER_ENV.webhookSecret),
      executorToken: raw.executorToken,
      github:
        raw.github === undefined
          ? undefined
          : {
              apiUrl: raw.github.apiUrl ?? D.githubApiUrl,
              appId: raw.github.appId,
              privateKeyPath: expandPath(raw.github.privateKey, paths),
            },
    }),
    insecureSkipSignatureVerification: raw.insecureSkipSignatureVerification ?? false,
    stateDirectory: expandPath(raw.stateDirectory ?? path.join(deps.homedir, D.stateDirectoryName), paths),
    logging: { level: raw.logging?.level ?? D.logLevel },
    statusIntervalMs: secondsToMs(raw.statusIntervalSeconds ?? D.statusIntervalSeconds),
    forwardTimeoutMs: secondsToMs(raw.forwardTimeoutSeconds ?? D.forwardTimeoutSeconds),
    hostBackoff: {
      initialMs: secondsToMs(raw.hostBackoff?.initialSeconds ?? D.hostBackoffInitialSeconds),
      maxMs: secondsToMs(raw.hostBackoff?.maxSeconds ?? D.hostBackoffMaxSeconds),
    },
    maxBodyBytes: raw.maxBodyBytes ?? D.maxBodyBytes,
  };
}
