/** `tart-executor scaleset remove`: deletes this host's runner scale set (docs/scale-sets.md §2). */
import type { Command } from "commander";
import { systemClock } from "../clock.js";
import { GitHubClient } from "../github/github-client.js";
import { runnerScopeOf } from "../github/runner-scope.js";
import { removeScaleSet } from "../scaleset/scale-set-api.js";
import { loadExecutorConfigForCli, readPrivateKey } from "./load-executor-config-for-cli.js";
import { packageVersion } from "./package-version.js";
import { actionsConnectionFor, desiredScaleSet } from "./scaleset-job-source.js";

export function addScaleSetCommands(program: Command): void {
  const scaleset = program
    .command("scaleset")
    .description("manage this host's runner scale set (github.jobSource: scaleset)");
  scaleset
    .command("remove")
    .description("delete this host's runner scale set from GitHub (stop the daemon first)")
    .option("-c, --config <path>", "configuration file")
    .action(async (flags: { config?: string }) => {
      const { config, path } = loadExecutorConfigForCli(
        flags.config ?? program.opts<{ config?: string }>().config,
      );
      const privateKeyPem = readPrivateKey(path, config.github.privateKeyPath);
      const github = new GitHubClient({
        appId: config.github.appId,
        privateKeyPem,
        apiUrl: config.github.apiUrl,
        scope: runnerScopeOf(config.github),
        clock: systemClock,
        userAgent: `tart-executor/${packageVersion()}`,
      });
      const desired = desiredScaleSet(config);
      const connection = actionsConnectionFor(config, {
        github,
        clock: systemClock,
        random: Math.random,
      });
      try {
        const removed = await removeScaleSet(connection, desired);
        process.stdout.write(
          removed
            ? `removed runner scale set "${desired.name}" (runner group ${desired.runnerGroup})\n`
            : `no runner scale set named "${desired.name}" in runner group ${desired.runnerGroup}: nothing to remove\n`,
        );
      } catch (error) {
        process.stderr.write(
          `could not remove runner scale set "${desired.name}": ${error instanceof Error ? error.message : String(error)}\n`,
        );
        process.exitCode = 1;
      }
    });
}
