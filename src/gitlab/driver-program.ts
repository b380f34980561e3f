/**
 * The `gitlab-runner-tart-driver` command line (also `tart-executor gitlab …`), with the seed
 * driver's commands and options. Every failure becomes the exit code GitLab Runner expects.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { configStage } from "./config-stage.js";
import { cleanupStage } from "./cleanup-stage.js";
import { DriverFailure, exitCodeFor } from "./driver-failure.js";
import type { DriverContext } from "./driver-context.js";
import { prepareStage } from "./prepare-stage.js";
import { runStage } from "./run-stage.js";

const DEFAULT_TART = "tart";

function positiveInt(value: string): number {
  if (!/^[0-9]{1,9}$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError("expected a positive integer");
  return Number(value);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The seed's config.toml passes `'--volume /a:/b:ro'` as one argument; split it as a shell would have. */
export function normalizeArgs(args: readonly string[]): string[] {
  return args.flatMap((arg) => {
    const match = /^(--volume|--exclude-image-expr|--cache-dir|--builds-dir)\s+(.+)$/.exec(arg);
    return match === null ? [arg] : [match[1] ?? "", (match[2] ?? "").trim()];
  });
}

export function buildDriverProgram(name: string, version: string, context: DriverContext): Command {
  const program = new Command(name)
    .description("GitLab Runner custom executor driver: runs each job in a throw-away Tart VM")
    .version(version, "-v, --version")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    });
  const tartOption = (): Option =>
    new Option("-x, --tart-executable <path>", "path to the tart executable").default(DEFAULT_TART);

  program
    .command("config")
    .description("the config stage: prints the builds/cache directories and driver info as JSON")
    .addOption(tartOption())
    .option("--builds-dir <path>", "builds directory inside the VM (default /Users/<ssh user>/builds)")
    .option("--cache-dir <path>", "cache directory inside the VM (default /Users/<ssh user>/cache)")
    .action((options: { buildsDir?: string; cacheDir?: string }) =>
      configStage(context, { ...options, version }),
    );

  program
    .command("prepare")
    .description("prepare the environment and start the job's Tart VM")
    .option("--cpu <n>", "number of CPUs of the VM", positiveInt)
    .option("--memory <mib>", "memory of the VM in megabytes", positiveInt)
    .option("--display <WxH>", "display resolution of the VM, e.g. 1200x800")
    .option("--auto-resources", "divide the host's CPUs and memory among --concurrency VMs (default)", true)
    .option("--no-auto-resources", "keep the image's CPU and memory")
    .option("--concurrency <n>", "number of concurrent VMs (tart runs at most 2)", positiveInt, 1)
    .option("--cache-dir <path>", "host cache directory shared into the VM")
    .option("--builds-dir <path>", "host builds directory shared into the VM")
    .option("--timeout <seconds>", "seconds for the VM to be reachable over SSH", positiveInt, 60)
    .option("--volume <host:vm[:ro]>", "host directory shared into the VM (repeatable)", collect, [])
    .option("--install-gitlab-runner", "install gitlab-runner in the VM if missing", false)
    .option("--force-install-gitlab-runner", "install gitlab-runner even if one is present", false)
    .option("--gitlab-runner-version <version>", "gitlab-runner version to install, e.g. 15.11.0", "latest")
    .addOption(tartOption())
    .option(
      "--exclude-image-expr <regex>",
      "refuse images matching this regular expression (repeatable)",
      collect,
      [],
    )
    .action(
      async (options: {
        cpu?: number;
        memory?: number;
        display?: string;
        autoResources: boolean;
        concurrency: number;
        cacheDir?: string;
        buildsDir?: string;
        timeout: number;
        volume: string[];
        installGitlabRunner: boolean;
        forceInstallGitlabRunner: boolean;
        gitlabRunnerVersion: string;
        tartExecutable: string;
        excludeImageExpr: string[];
      }) => {
        const { volume, tartExecutable, ...rest } = options;
        await prepareStage(context, {
          ...rest,
          volumes: volume,
          tartExecutable,
          excludeImageExpr: options.excludeImageExpr,
        });
      },
    );

  program
    .command("run")
    .description("run one stage's script in the job's VM")
    .argument("<script>", "path of the script GitLab Runner wrote")
    .argument("<stage>", "name of the stage (prepare_script, get_sources, build_script, …)")
    .option("--timeout <seconds>", "seconds for the VM to be reachable over SSH", positiveInt, 60)
    .addOption(tartOption())
    .option("--shell <path>", "shell that runs the script in the VM (default /bin/zsh)")
    .action(
      async (
        script: string,
        stage: string,
        options: { timeout: number; tartExecutable: string; shell?: string },
      ) => {
        await runStage(context, { ...options, script, stage });
      },
    );

  program
    .command("cleanup")
    .description("stop and delete the job's VM (never fails the job)")
    .addOption(tartOption())
    .action(async (options: { tartExecutable: string }) => {
      try {
        await cleanupStage(context, options);
      } catch (error) {
        context.stderr.write(`cleanup: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    });
  return program;
}

/** Runs the driver and returns the process exit code. */
export async function runDriver(
  name: string,
  version: string,
  args: readonly string[],
  context: DriverContext,
): Promise<number> {
  const program = buildDriverProgram(name, version, context);
  try {
    await program.parseAsync(normalizeArgs(args), { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      return exitCodeFor("system", context.env);
    }
    const failure =
      error instanceof DriverFailure
        ? error
        : new DriverFailure("system", error instanceof Error ? error.message : String(error));
    context.stderr.write(
      `${name}: ${failure.kind === "build" ? "job failed" : "ERROR"}: ${failure.message}\n`,
    );
    return exitCodeFor(failure.kind, context.env);
  }
}
