/** The `doctor` and `status` subcommands, the same for tart-executor and tart-router. */
import type { Command } from "commander";
import type { DoctorCommandOptions } from "./doctor-command.js";
import { localAdminUrl, runStatusCommand } from "./status-command.js";
import { colorWanted } from "./status-style.js";

export function addOpsCommands(
  program: Command,
  options: {
    readonly daemon: "executor" | "router";
    readonly doctor: (options: DoctorCommandOptions) => Promise<number>;
    /** Where the daemon listens and its admin token, from its configuration. */
    readonly adminTarget: (configFlag: string | undefined) => {
      host: string;
      port: number;
      apiToken?: string;
    };
  },
): void {
  const configFlag = (own: string | undefined): string | undefined =>
    own ?? program.opts<{ config?: string }>().config;
  const color = (): boolean => colorWanted(process.stdout.isTTY, process.env);
  program
    .command("doctor")
    .description(
      options.daemon === "executor"
        ? "check this Mac, tart, the configuration and the GitHub App; exit 1 on any FAIL"
        : "check the configuration and every executor behind the router; exit 1 on any FAIL",
    )
    .option("-c, --config <path>", "configuration file")
    .action(async (flags: { config?: string }) => {
      process.exitCode = await options.doctor({
        configFlag: configFlag(flags.config),
        color: color(),
        env: process.env,
        write: (text) => void process.stdout.write(text),
      });
    });
  program
    .command("status")
    .description(
      options.daemon === "executor"
        ? "show slots, VMs and recent jobs of the running executor (from its admin API)"
        : "show the router's queue and its executors' health (from its admin API)",
    )
    .option("-c, --config <path>", "configuration file (for the address and apiToken)")
    .option("--url <url>", "the daemon's base URL (default: from the configuration)")
    .option("--token <token>", "admin API token (default: apiToken from the configuration)")
    .option("--json", "print the raw JSON")
    .action(async (flags: { config?: string; url?: string; token?: string; json?: boolean }) => {
      let url = flags.url;
      let token = flags.token ?? null;
      if (url === undefined || token === null) {
        const target = options.adminTarget(configFlag(flags.config));
        url ??= localAdminUrl(target.host, target.port);
        token ??= target.apiToken ?? null;
      }
      process.exitCode = await runStatusCommand({
        url,
        token,
        json: flags.json === true,
        color: color(),
        fetch,
        write: (text) => void process.stdout.write(text),
        writeError: (text) => void process.stderr.write(text),
      });
    });
}
