/**
 * A GitLab Runner stand-in for the custom executor: runs one job through a driver the way
 * gitlab-runner does (docs/gitlab.md cites each rule):
 * - prepare: config_exec (JSON on stdout) then prepare_exec, up to 3 attempts 3 s apart, with
 *   cleanup_exec after every failed attempt; a build failure (exit 1) is not retried;
 * - run_exec `<run_args> <script> <stage>` for prepare_script, get_sources, step_script,
 *   after_script (always, failures ignored) and cleanup_file_variables;
 * - exit codes: 0 ok, 1 build failure (BUILD_EXIT_CODE_FILE gives the real code), 2 system
 *   failure, anything else an unknown (system) failure;
 * - timeouts and cancel: SIGTERM to the process group, SIGKILL after graceful_kill_timeout;
 * - cleanup_exec always, its result ignored.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  DEFAULT_EXEC_TIMEOUT_S,
  DEFAULT_FORCE_KILL_TIMEOUT_S,
  DEFAULT_GRACEFUL_KILL_TIMEOUT_S,
  PREPARATION_RETRIES,
  PREPARATION_RETRY_INTERVAL_MS,
  seconds,
  type CustomExecutorConfig,
} from "./custom-executor-config.js";
import { stageScript, type ScriptStage } from "./job-script.js";
import { runStageProcess, type StageProcessResult } from "./stage-process.js";

export interface SimGitlabJob {
  readonly id: number;
  readonly image: string;
  readonly projectPath: string;
  /** The job's own variables (.gitlab-ci.yml `variables:`), e.g. TART_*. */
  readonly variables?: Readonly<Record<string, string>>;
  readonly beforeScript?: readonly string[];
  readonly script: readonly string[];
  readonly afterScript?: readonly string[];
  /** The job timeout in seconds (project or runner setting). */
  readonly timeoutSeconds?: number;
  /** CI_CONCURRENT_ID: the runner's slot for this job. */
  readonly concurrentId?: number;
  readonly cancel?: AbortSignal;
}

export type FailureReason = "script_failure" | "runner_system_failure" | "job_execution_timeout" | "canceled";

export interface DriverCall {
  readonly stage: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly result: StageProcessResult;
}

export interface SimGitlabJobResult {
  readonly status: "success" | "failed";
  readonly failureReason?: FailureReason;
  /** The exit code GitLab shows for a script failure. */
  readonly exitCode?: number;
  readonly log: string;
  readonly prepareAttempts: number;
  readonly calls: readonly DriverCall[];
}

type Outcome =
  | { kind: "ok" }
  | { kind: "build"; exitCode: number }
  | { kind: "system" }
  | { kind: "timeout" }
  | { kind: "canceled" };

export async function runCustomExecutorJob(
  config: CustomExecutorConfig,
  job: SimGitlabJob,
  options: { env: Readonly<Record<string, string>>; retryIntervalMs?: number },
): Promise<SimGitlabJobResult> {
  const custom = config.custom;
  const gracefulKillMs = seconds(custom.graceful_kill_timeout, DEFAULT_GRACEFUL_KILL_TIMEOUT_S) * 1000;
  const forceKillMs = seconds(custom.force_kill_timeout, DEFAULT_FORCE_KILL_TIMEOUT_S) * 1000;
  const jobDeadline = Date.now() + (job.timeoutSeconds ?? 3600) * 1000;
  let log = "";
  const write = (text: string): void => {
    log += text;
  };
  const calls: DriverCall[] = [];
  const baseVariables: Record<string, string> = {
    CI: "true",
    GITLAB_CI: "true",
    CI_JOB_ID: String(job.id),
    CI_PROJECT_PATH: job.projectPath,
    CI_CONCURRENT_ID: String(job.concurrentId ?? 0),
    CI_COMMIT_SHA: "5f1c2a9e0d7b4c3a8e6f1d2c9b0a7e4d3c2b1a09",
    ...job.variables,
  };
  let jobEnv: Record<string, string> = {};

  const invoke = async (
    stage: string,
    executable: string,
    args: readonly string[],
    variables: Record<string, string>,
    deadlineMs: number,
    tempDir: string,
    output: { stdout: (text: string) => void; stderr: (text: string) => void },
  ): Promise<{ outcome: Outcome; result: StageProcessResult }> => {
    const buildExitCodeFile = path.join(tempDir, "build_exit_code");
    rmSync(buildExitCodeFile, { force: true });
    const env: Record<string, string> = {
      ...options.env,
      TMPDIR: tempDir,
      BUILD_FAILURE_EXIT_CODE: "1",
      SYSTEM_FAILURE_EXIT_CODE: "2",
      BUILD_EXIT_CODE_FILE: buildExitCodeFile,
      JOB_RESPONSE_FILE: path.join(tempDir, "response.json"),
      ...Object.fromEntries(Object.entries(variables).map(([key, value]) => [`CUSTOM_ENV_${key}`, value])),
      CUSTOM_ENV_CI_JOB_IMAGE: job.image,
      ...jobEnv,
    };
    const result = await runStageProcess({
      executable,
      args,
      env,
      cwd: tempDir,
      deadlineMs,
      gracefulKillMs,
      forceKillMs,
      onStdout: output.stdout,
      onStderr: output.stderr,
      ...(job.cancel === undefined ? {} : { cancel: job.cancel }),
    });
    calls.push({ stage, args, env, result });
    if (result.stopped !== "none")
      return { outcome: job.cancel?.aborted ? { kind: "canceled" } : { kind: "timeout" }, result };
    if (result.exitCode === 0) return { outcome: { kind: "ok" }, result };
    if (result.exitCode === 1) {
      let exitCode = 1;
      try {
        const first = readFileSync(buildExitCodeFile, "utf8").split("\n")[0] ?? "";
        exitCode = /^-?[0-9]+$/.test(first.trim()) ? Number(first.trim()) : Number.NaN;
      } catch {
        // no file: the default build failure code
      }
      if (Number.isNaN(exitCode)) return { outcome: { kind: "system" }, result };
      return { outcome: { kind: "build", exitCode }, result };
    }
    return { outcome: { kind: "system" }, result };
  };

  const logOutput = { stdout: write, stderr: write };
  const cleanup = async (tempDir: string, variables: Record<string, string>): Promise<void> => {
    if (custom.cleanup_exec === undefined) return;
    const deadline = Date.now() + seconds(custom.cleanup_exec_timeout, DEFAULT_EXEC_TIMEOUT_S) * 1000;
    // cleanup's stdout goes to the runner's debug log, stderr to its warnings: not the job log.
    await invoke("cleanup", custom.cleanup_exec, custom.cleanup_args ?? [], variables, deadline, tempDir, {
      stdout: () => undefined,
      stderr: () => undefined,
    });
  };

  // Preparation, retried (common/build.go retryCreateExecutor).
  let prepareAttempts = 0;
  let prepared: { tempDir: string; variables: Record<string, string> } | undefined;
  let failure: Outcome | undefined;
  for (let attempt = 0; attempt < PREPARATION_RETRIES; attempt += 1) {
    prepareAttempts += 1;
    const tempDir = mkdtempSync(path.join(tmpdir(), "custom-executor"));
    jobEnv = {};
    let variables = { ...baseVariables };
    let outcome: Outcome = { kind: "ok" };
    if (custom.config_exec !== undefined) {
      let stdout = "";
      const deadline = Date.now() + seconds(custom.config_exec_timeout, DEFAULT_EXEC_TIMEOUT_S) * 1000;
      outcome = (
        await invoke("config", custom.config_exec, custom.config_args ?? [], variables, deadline, tempDir, {
          stdout: (text) => (stdout += text),
          stderr: write,
        })
      ).outcome;
      if (outcome.kind === "ok" && stdout.trim() !== "") {
        try {
          const parsed = JSON.parse(stdout) as {
            builds_dir?: string;
            cache_dir?: string;
            builds_dir_is_shared?: boolean;
            job_env?: Record<string, string>;
            driver?: { name?: string; version?: string };
          };
          jobEnv = parsed.job_env ?? {};
          const buildsDir = parsed.builds_dir ?? config.builds_dir ?? "/builds";
          const projectDir = parsed.builds_dir_is_shared
            ? path.posix.join(buildsDir, "sim0000", String(job.concurrentId ?? 0), job.projectPath)
            : path.posix.join(buildsDir, job.projectPath);
          variables = { ...variables, CI_BUILDS_DIR: buildsDir, CI_PROJECT_DIR: projectDir };
          write(
            `Using Custom executor with driver ${parsed.driver?.name ?? ""} ${parsed.driver?.version ?? ""}...\n`,
          );
        } catch {
          write("error while parsing JSON output\n");
          outcome = { kind: "system" };
        }
      }
    }
    if (outcome.kind === "ok" && custom.prepare_exec !== undefined) {
      const deadline = Date.now() + seconds(custom.prepare_exec_timeout, DEFAULT_EXEC_TIMEOUT_S) * 1000;
      outcome = (
        await invoke(
          "prepare",
          custom.prepare_exec,
          custom.prepare_args ?? [],
          variables,
          deadline,
          tempDir,
          logOutput,
        )
      ).outcome;
    }
    if (outcome.kind === "ok") {
      prepared = { tempDir, variables };
      break;
    }
    await cleanup(tempDir, variables);
    rmSync(tempDir, { recursive: true, force: true });
    failure = outcome;
    if (outcome.kind === "build" || job.cancel?.aborted) break;
    write(
      `Preparation failed; will be retried in ${(options.retryIntervalMs ?? PREPARATION_RETRY_INTERVAL_MS) / 1000}s ...\n`,
    );
    if (attempt + 1 < PREPARATION_RETRIES)
      await new Promise((resolve) =>
        setTimeout(resolve, options.retryIntervalMs ?? PREPARATION_RETRY_INTERVAL_MS),
      );
  }
  if (prepared === undefined) return finish(failure ?? { kind: "system" });

  // The job's stages (common/build.go executeScript).
  const { tempDir, variables } = prepared;
  const scriptJob = {
    variables,
    script: job.script,
    ...(job.beforeScript === undefined ? {} : { beforeScript: job.beforeScript }),
    ...(job.afterScript === undefined ? {} : { afterScript: job.afterScript }),
  };
  let index = 0;
  const runStage = async (stage: ScriptStage): Promise<Outcome> => {
    index += 1;
    const dir = path.join(tempDir, `script${index}`);
    mkdirSync(dir);
    const file = path.join(dir, "script.");
    writeFileSync(`${file}sh`, stageScript(stage, scriptJob), { mode: 0o700 });
    return (
      await invoke(
        stage,
        custom.run_exec,
        [...(custom.run_args ?? []), `${file}sh`, stage],
        variables,
        jobDeadline,
        tempDir,
        logOutput,
      )
    ).outcome;
  };
  let outcome: Outcome = { kind: "ok" };
  for (const stage of ["prepare_script", "get_sources", "step_script"] as const) {
    outcome = await runStage(stage);
    if (outcome.kind !== "ok") break;
  }
  const reachedScript = calls.some((call) => call.stage === "step_script");
  if (
    reachedScript &&
    job.afterScript !== undefined &&
    outcome.kind !== "canceled" &&
    outcome.kind !== "timeout"
  )
    await runStage("after_script");
  if (outcome.kind !== "canceled" && outcome.kind !== "timeout") await runStage("cleanup_file_variables");
  await cleanup(tempDir, variables);
  rmSync(tempDir, { recursive: true, force: true });
  return finish(outcome);

  function finish(final: Outcome): SimGitlabJobResult {
    const base = { log, prepareAttempts, calls };
    switch (final.kind) {
      case "ok":
        return { status: "success", ...base };
      case "build":
        return { status: "failed", failureReason: "script_failure", exitCode: final.exitCode, ...base };
      case "system":
        return { status: "failed", failureReason: "runner_system_failure", ...base };
      case "timeout":
        return { status: "failed", failureReason: "job_execution_timeout", ...base };
      case "canceled":
        return { status: "failed", failureReason: "canceled", ...base };
    }
  }
}
