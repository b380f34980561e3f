/** `tart-router doctor`: configuration, webhook secret, API exposure, port, executors, Local Network. */
import type { RouterConfig } from "../config/router-config.js";
import { ROUTER_ENV } from "../config/router-defaults.js";
import { apiTokenCheck } from "./api-token-check.js";
import { configCheck } from "./config-check.js";
import type { DoctorCheck } from "./doctor-check.js";
import type { ConfigLoad, DoctorDeps } from "./doctor-deps.js";
import { localNetworkCheck, macosMajorVersion } from "./macos-checks.js";
import { portCheck } from "./port-check.js";
import { routerHostsChecks } from "./router-hosts-check.js";
import { webhookSecretCheck } from "./webhook-secret-check.js";

export interface RouterDoctorDeps extends DoctorDeps {
  readonly config: ConfigLoad<RouterConfig>;
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
