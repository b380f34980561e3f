/**
 * `tart-router doctor`: configuration, webhook secret, the GitHub App (for recovering missed
 * deliveries), API exposure, port, executors, Local Network.
 */
import type { RouterConfig } from "../config/router-config.js";
import { ROUTER_ENV } from "../config/router-defaults.js";
import { apiTokenCheck } from "./api-token-check.js";
import { configCheck } from "./config-check.js";
import { warn, type DoctorCheck } from "./doctor-check.js";
import type { ConfigLoad, DoctorDeps } from "./doctor-deps.js";
import type { RouterGitHubAppChecker } from "./github-app-check.js";
import { localNetworkCheck, macosMajorVersion } from "./macos-checks.js";
import { portCheck } from "./port-check.js";
import { privateKeyCheck } from "./private-key-check.js";
import { routerHostsChecks } from "./router-hosts-check.js";
import { webhookSecretCheck } from "./webhook-secret-check.js";

export interface RouterDoctorDeps extends DoctorDeps {
  readonly config: ConfigLoad<RouterConfig>;
  readonly checkGitHub: RouterGitHubAppChecker;
}

export async function runRouterDoctor(deps: RouterDoctorDeps): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [configCheck(deps.config)];
  if ("config" in deps.config) {
    const config = deps.config.config;
    checks.push(
      webhookSecretCheck({
        secret: config.webhookSecret,
        skipVerification: config.insecureSkipSignatureVerification,
        envName: ROUTER_ENV.webhookSecret,
        key: "webhookSecret",
      }),
      ...(await githubChecks(config, deps)),
      apiTokenCheck(config.apiToken, config.host),
      await portCheck(
        { name: "port", host: config.host, port: config.port, service: "tart-router", keys: "host/port" },
        deps,
      ),
      ...(await routerHostsChecks(config.hosts, deps.fetch)),
    );
  }
  // The router connects to executors on the LAN, which is what macOS 15 asks permission for.
  checks.push(localNetworkCheck(deps.platform, await macosMajorVersion(deps.platform, deps.runCommand)));
  return checks;
}

/** The App's key and credentials when `github` is set; a warning that missed jobs are lost when not. */
async function githubChecks(config: RouterConfig, deps: RouterDoctorDeps): Promise<DoctorCheck[]> {
  if (config.github === undefined)
    return [
      warn(
        "github app",
        "not configured: jobs queued while the router is down are lost (GitHub does not retry failed deliveries)",
        "set github.appId and github.privateKey (and github.apiUrl for GitHub Enterprise Server) to the executors' GitHub App",
      ),
    ];
  const key = await privateKeyCheck(config.github.privateKeyPath, deps.fs);
  if (key.pem === null) return [key.check];
  return [
    key.check,
    ...(await deps.checkGitHub({
      apiUrl: config.github.apiUrl,
      appId: config.github.appId,
      privateKeyPem: key.pem,
    })),
  ];
}
