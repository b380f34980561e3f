/**
 * `tart-executor doctor`: every check an operator would otherwise do by hand when a Mac does not
 * take jobs, in the order they depend on each other. Checks that need a valid configuration are
 * skipped when it is not; the rest (tart, the macOS traps) still run.
 */
import path from "node:path";
import type { ExecutorConfig } from "../config/executor-config.js";
import { EXECUTOR_ENV } from "../config/executor-defaults.js";
import { isOwnVmName } from "../shared/vm-name.js";
import { runnerScopeOf } from "../github/runner-scope.js";
import { tartEnvironment } from "../tart/tart-environment.js";
import { apiTokenCheck } from "./api-token-check.js";
import { configCheck } from "./config-check.js";
import { dhcpLeaseCheck } from "./dhcp-lease-check.js";
import type { DoctorCheck } from "./doctor-check.js";
import type { ConfigLoad, DoctorDeps } from "./doctor-deps.js";
import type { DoctorTartFactory } from "./doctor-tart.js";
import type { GitHubAppChecker } from "./github-app-check.js";
import { keychainCheck, licenceCheck, localNetworkCheck, macosMajorVersion } from "./macos-checks.js";
import { portCheck } from "./port-check.js";
import { privateKeyCheck } from "./private-key-check.js";
import { sshCheck } from "./ssh-check.js";
import { tartCheck } from "./tart-check.js";
import { tartHomeChecks } from "./tart-home-checks.js";
import { vmLimitCheck } from "./vm-limit-check.js";
import { webhookSecretCheck } from "./webhook-secret-check.js";

export interface ExecutorDoctorDeps extends DoctorDeps {
  readonly config: ConfigLoad<ExecutorConfig>;
  /** Finds tart as the daemon does (resolveTartExecutable with this PATH). */
  readonly resolveTart: (configured: string | undefined) => string | null;
  /** The Tart adapter for the tart found (doctorTart). */
  readonly tartAt: DoctorTartFactory;
  readonly checkGitHub: GitHubAppChecker;
  /** Scale-set mode: the App's access to the scale-set API and this host's scale set. */
  readonly checkScaleSet?: (config: ExecutorConfig, privateKeyPem: string) => Promise<DoctorCheck>;
}

export async function runExecutorDoctor(deps: ExecutorDoctorDeps): Promise<DoctorCheck[]> {
  const config = "config" in deps.config ? deps.config.config : null;
  const tartEnv = tartEnvironment(deps.env, config?.tart.homeFolder);
  const checks: DoctorCheck[] = [configCheck(deps.config)];
  // Looked at before tart runs: tart creates a missing TART_HOME, which would hide the problem.
  const home =
    config === null ? [] : await tartHomeChecks(...tartHome(config, tartEnv, deps.homedir), deps.fs);
  const tart = await tartCheck({
    configured: config?.tart.executable,
    resolve: deps.resolveTart,
    tartAt: deps.tartAt,
    env: tartEnv,
  });
  checks.push(tart.check, ...home);
  if (config !== null) checks.push(...(await configuredChecks(config, deps)));
  const major = await macosMajorVersion(deps.platform, deps.runCommand);
  checks.push(
    localNetworkCheck(deps.platform, major),
    keychainCheck(deps.platform, major),
    await dhcpLeaseCheck(deps.platform, deps.runCommand, config?.tart.netBridgedAdapter ?? null),
    await vmLimitCheck({
      platform: deps.platform,
      tart: tart.tart,
      isOwnVm: (name) => config !== null && isOwnVmName(name, config.hostname),
    }),
    licenceCheck(deps.platform, deps.cpuCount),
  );
  return checks;
}

function tartHome(
  config: ExecutorConfig,
  tartEnv: Readonly<Record<string, string>>,
  homedir: string,
): [home: string, source: string] {
  const home = tartEnv["TART_HOME"] ?? path.join(homedir, ".tart");
  if (config.tart.homeFolder !== undefined) return [home, "tart.homeFolder"];
  return [home, "TART_HOME" in tartEnv ? "$TART_HOME" : "tart's default"];
}

async function configuredChecks(config: ExecutorConfig, deps: ExecutorDoctorDeps): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const key = await privateKeyCheck(config.github.privateKeyPath, deps.fs);
  checks.push(key.check);
  if (key.pem !== null)
    checks.push(
      ...(await deps.checkGitHub({
        apiUrl: config.github.apiUrl,
        appId: config.github.appId,
        privateKeyPem: key.pem,
        scope: runnerScopeOf(config.github),
      })),
    );
  const scaleSetMode = config.github.jobSource === "scaleset";
  if (scaleSetMode && key.pem !== null && deps.checkScaleSet !== undefined)
    checks.push(await deps.checkScaleSet(config, key.pem));
  const { webhook } = config;
  checks.push(
    // No webhook reaches an executor in scale-set mode: its secret is not needed there.
    ...(scaleSetMode
      ? []
      : [
          webhookSecretCheck({
            secret: config.github.webhookSecret,
            skipVerification: webhook.insecureSkipSignatureVerification,
            envName: EXECUTOR_ENV.webhookSecret,
            key: "github.webhookSecret",
          }),
        ]),
    apiTokenCheck(config.apiToken, webhook.host),
    await portCheck(
      {
        name: "webhook port",
        host: webhook.host,
        port: webhook.port,
        service: "tart-executor",
        keys: "webhook.host/webhook.port",
      },
      deps,
    ),
    await sshCheck(config.tart.ssh, deps.fs),
  );
  return checks;
}
