/**
 * `tart-router`: the daemon (default command), `check-config`. The only place that reads
 * process.env and argv, installs signal handlers and sets the exit code.
 */
import { Command, Option } from "commander";
import { LOG_LEVELS, maskRouterSecrets } from "../config/index.js";
import { createLogger } from "../observability/logger.js";
import { createSecretRegistry } from "../observability/secret-registry.js";
import { runRouterDoctorCommand } from "./doctor-command.js";
import { readPrivateKey } from "./load-executor-config-for-cli.js";
import { packageVersion } from "./package-version.js";
import { runProgram } from "./run-program.js";
import { addOpsCommands } from "./ops-commands.js";
import { loadRouterConfigForCli } from "./router-config-for-cli.js";
import { startRouterDaemon } from "./router-daemon.js";
import { handleShutdownSignals } from "./shutdown-signals.js";

const program = new Command("tart-router")
  .description(
    "Receives GitHub workflow_job webhooks and hands each job to the best tart-executor with room.",
  )
  .version(packageVersion())
  .option(
    "-c, --config <path>",
    "configuration file (default: $TART_ROUTER_CONFIG, ~/tart-router.yaml, $HOMEBREW_PREFIX/etc/tart-router.yaml)",
  )
  .addOption(new Option("--log-level <level>", "log level (overrides logging.level)").choices(LOG_LEVELS))
  .action(async (options: { config?: string; logLevel?: (typeof LOG_LEVELS)[number] }) => {
    const { config, path } = loadRouterConfigForCli(options.config);
    const privateKeyPem =
      config.github === undefined ? undefined : readPrivateKey(path, config.github.privateKeyPath);
    const secrets = createSecretRegistry();
    for (const secret of [
      config.webhookSecret,
      config.executorToken,
      config.apiToken,
      ...(privateKeyPem ?? "").split("\n").filter((line) => line.length > 20 && !line.startsWith("-----")),
    ])
      if (secret !== undefined) secrets.add(secret);
    const log = createLogger({
      level: options.logLevel ?? config.logging.level,
      pretty: process.stdout.isTTY,
      base: { service: "tart-router", hostname: config.hostname },
      secrets,
    });
    log.info({ config: path, stateDirectory: config.stateDirectory }, "starting tart-router");
    const daemon = await startRouterDaemon({
      config,
      log,
      ...(privateKeyPem === undefined ? {} : { privateKeyPem }),
    });
    handleShutdownSignals({ log, shutdown: (reason) => daemon.close(reason) });
  });

program
  .command("check-config")
  .description("validate the configuration and print it with secrets masked")
  .option("-c, --config <path>", "configuration file")
  .action((options: { config?: string }) => {
    const { config, path } = loadRouterConfigForCli(
      options.config ?? program.opts<{ config?: string }>().config,
    );
    if (config.github !== undefined) readPrivateKey(path, config.github.privateKeyPath);
    process.stdout.write(`# ${path}: valid\n${JSON.stringify(maskRouterSecrets(config), null, 2)}\n`);
  });

addOpsCommands(program, {
  daemon: "router",
  doctor: runRouterDoctorCommand,
  adminTarget: (flag) => {
    const { config } = loadRouterConfigForCli(flag);
    return {
      host: config.host,
      port: config.port,
      ...(config.apiToken === undefined ? {} : { apiToken: config.apiToken }),
    };
  },
});

await runProgram(program, "tart-router");
