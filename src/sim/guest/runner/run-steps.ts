/**
 * The job's steps, run as actions/runner runs a `run:` step on macOS: the script is written to
 * `<work>/_temp/<id>.sh` and run with `bash -e <file>` (the default shell when `shell:` is not
 * given), bash being found on the runner's PATH; the step's environment is the runner's own
 * environment (plus GITHUB_* variables), which is why a runner started without a login profile
 * gives every step a PATH without Homebrew and no UTF-8 locale. A step that exits non-zero fails
 * the job ("Process completed with exit code N."), as it would at GitHub.
 *
 * Every simulated job has the steps of a typical iOS job: it needs `brew` and `node` on PATH and
 * `pod install`, which needs a UTF-8 locale. Step output goes to `_diag/pages/<jobId>.log` (the
 * real runner uploads it to the service; the simulation keeps it in the guest for tests to read).
 */
import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { JobAssignment } from "../../runner-protocol.js";

export interface JobStep {
  readonly name: string;
  readonly run: string;
}

export const JOB_STEPS: readonly JobStep[] = [
  { name: "Show tools", run: "brew --version\nnode --version\n" },
  { name: "Install pods", run: "pod install\n" },
];

/** A step that runs longer than this is killed and fails the job (bounded, unlike a real job's 6 h). */
const STEP_TIMEOUT_MS = 120_000;

/** The job's log inside the runner directory. */
export function jobLogPath(root: string, jobId: number): string {
  return path.join(root, "_diag", "pages", `${jobId}.log`);
}

/** Runs the steps in order; resolves with whether they all succeeded. */
export async function runSteps(
  root: string,
  workFolder: string,
  job: JobAssignment,
  stop: AbortSignal,
): Promise<boolean> {
  const log = jobLogPath(root, job.jobId);
  mkdirSync(path.dirname(log), { recursive: true });
  writeFileSync(log, "");
  const work = path.resolve(root, workFolder);
  const [owner = "owner", name = "repo"] = job.repo.split("/");
  const workspace = path.join(work, name, name);
  const temp = path.join(work, "_temp");
  mkdirSync(workspace, { recursive: true });
  mkdirSync(temp, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_REPOSITORY: `${owner}/${name}`,
    GITHUB_RUN_ID: String(job.runId),
    GITHUB_JOB: job.name,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: temp,
    RUNNER_OS: "macOS",
  };
  for (const [index, step] of JOB_STEPS.entries()) {
    appendFileSync(log, `##[group]Run ${step.name}\n${step.run}##[endgroup]\n`);
    const script = path.join(temp, `${job.jobId}-${index}.sh`);
    writeFileSync(script, step.run);
    const code = await runBash(script, workspace, env, log, stop);
    if (code !== 0) {
      appendFileSync(log, `##[error]Process completed with exit code ${code}.\n`);
      return false;
    }
  }
  return true;
}

function runBash(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  log: string,
  stop: AbortSignal,
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-e", script], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const write = (chunk: Buffer): void => appendFileSync(log, chunk);
    child.stdout.on("data", write);
    child.stderr.on("data", write);
    const kill = (): void => {
      child.kill("SIGKILL");
    };
    const timer = setTimeout(kill, STEP_TIMEOUT_MS);
    stop.addEventListener("abort", kill, { once: true });
    child.once("error", (error) => {
      // actions/runner: WhichUtil.Which("bash", require: true) fails the step
      appendFileSync(log, `##[error]File not found: 'bash' (${error.message})\n`);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      stop.removeEventListener("abort", kill);
      resolve(code ?? 1);
    });
  });
}
