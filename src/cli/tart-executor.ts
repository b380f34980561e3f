/**
 * `tart-executor`: the daemon (default command), `check-config`. The only place that reads
 * process.env and argv, installs signal handlers and sets the exit code.
 */
import { Command, Option } from "commander";
import { LOG_LEVELS, maskSecrets } from "../config/index.js";
import { createLogShipper } from "../observability/log-shipper.js";
import { createLogger } from "../observability/logger.js";
import { teeStream } from "../observability/tee-stream.js";
import { createSecretRegistry } from "../observability/secret-registry.js";
import { startExecutorDaemon } from "./executor-daemon.js";
import { loadExecutorConfigForCli, readPrivateKey } from "./load-executor-config-for-cli.js";
import { runExecutorDoctorCommand } from "./doctor-command.js";
import { packageVersion } from "./package-version.js";
import { runProgram } from "./run-program.js";
import { addOpsCommands } from "./ops-commands.js";
import { resolveTartExecutable, tartNotFoundMessage } from "./resolve-tart-executable.js";
import { addScaleSetCommands } from "./scaleset-commands.js";
import { handleShutdownSignals } from "./shutdown-signals.js";

const program = new Command("tart-executor")
  .description("Runs GitHub Actions jobs in throw-away Tart VMs, driven by workflow_job webhooks.")
  .version(packageVersion())
  .option(
    "-c, --config <path>",
    "configuration file (default: $TART_EXECUTOR_CONFIG, ~/tart-executor.yaml, $HOMEBREW_PREFIX/etc/tart-executor.yaml)",
  )
  .addOption(new Option("--log-level <level>", "log level (overrides logging.level)").choices(LOG_LEVELS))
  .action(async (options: { config?: string; logLevel?: (typeof LOG_LEVELS)[number] }) => {
    const { config, path } = loadExecutorConfigForCli(options.config);
    const privateKeyPem = readPrivateKey(path, config.github.privateKeyPath);
    const secrets = createSecretRegistry();
    for (const secret of [
      config.github.webhookSecret,
      config.apiToken,
      config.tart.ssh.password,
      config.tart.registry?.password,
      config.webhook.routerToken,
      ...privateKeyPem.split("\n").filter((line) => line.length > 20 && !line.startsWith("-----")),
    ])
      if (secret !== undefined) secrets.add(secret);
    const shipper =
      config.loggingEndpoint === undefined
        ? undefined
        : createLogShipper({
            endpoint: config.loggingEndpoint,
            service: "tart-executor",
            host: config.hostname,
          });
    const log = createLogger({
      level: options.logLevel ?? config.logging.level,
      pretty: process.stdout.isTTY,
      ...(shipper === undefined ? {} : { destination: teeStream(process.stdout, shipper.stream) }),
      base: { service: "tart-executor", hostname: config.hostname },
      secrets,
    });
    const tartExecutable = resolveTartExecutable(config.tart.executable, process.env["PATH"]);
    if (tartExecutable === null) {
      log.fatal({ configured: config.tart.executable ?? null }, tartNotFoundMessage(config.tart.executable));
      process.exitCode = 1;
      return;
    }
    log.info({ config: path, tart: tartExecutable }, "starting tart-executor");
    const daemon = await startExecutorDaemon({
      config,
      tartExecutable,
      privateKeyPem,
      env: process.env,
      log,
      secrets,
    });
    handleShutdownSignals({
      log,
      shutdown: (reason) => daemon.close(reason),
      abortAll: (reason) => daemon.abortAll(reason),
    });
  });

program
  .command("check-config")
  .description("validate the configuration and print it with secrets masked")
  .option("-c, --config <path>", "configuration file")
  .action((options: { config?: string }) => {
    const { config, path } = loadExecutorConfigForCli(
      options.config ?? program.opts<{ config?: string }>().config,
    );
    readPrivateKey(path, config.github.privateKeyPath);
    process.stdout.write(`# ${path}: valid\n${JSON.stringify(maskSecrets(config), null, 2)}\n`);
  });

addOpsCommands(program, {
  daemon: "executor",
  doctor: runExecutorDoctorCommand,
  adminTarget: (flag) => {
    const { config } = loadExecutorConfigForCli(flag);
    return {
      host: config.webhook.host,
      port: config.webhook.port,
      ...(config.apiToken === undefined ? {} : { apiToken: config.apiToken }),
    };
  },
});

// `tart-executor gitlab <stage> …`: the GitLab Runner custom executor driver (src/gitlab/).
if (process.argv[2] === "gitlab") {
  const { runGitlabDriverCli } = await import("../gitlab/driver-main.js");
  await runGitlabDriverCli(process.argv.slice(3), "tart-executor gitlab");
} else {
  addScaleSetCommands(program);
  program.addHelpText(
    "after",
    "\nGitLab Runner custom executor driver: tart-executor gitlab <config|prepare|run|cleanup> --help",
  );
  await runProgram(program, "tart-executor");
}
