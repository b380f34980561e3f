/**
 * The runner's configuration files (`.runner`, `.credentials`) for a registered runner, in the
 * shapes of src/sim/runner-protocol.ts: returned base64-encoded by generate-jitconfig and as
 * plain JSON by the config.sh registration endpoint.
 */
import { encodeJitConfig, type RunnerCredentials, type RunnerSettings } from "../runner-protocol.js";
import type { Site } from "./accounts.js";
import type { Runner } from "./runner-registry.js";
import { scopeUrl } from "./runner-scope.js";

export function runnerFiles(
  site: Site,
  runner: Runner,
): { readonly runner: RunnerSettings; readonly credentials: RunnerCredentials } {
  return {
    runner: {
      agentId: runner.id,
      agentName: runner.name,
      poolId: runner.group.id,
      poolName: runner.group.name,
      serverUrl: site.url,
      gitHubUrl: scopeUrl(site, runner.scope),
      workFolder: runner.workFolder,
      ephemeral: runner.ephemeral,
      disableUpdate: runner.disableUpdate,
    },
    credentials: { scheme: "OAuth", data: { clientId: runner.clientId, token: runner.credential } },
  };
}

export function encodedJitConfig(site: Site, runner: Runner): string {
  const files = runnerFiles(site, runner);
  return encodeJitConfig(files.runner, files.credentials);
}
