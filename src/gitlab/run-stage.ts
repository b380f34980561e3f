/**
 * `run SCRIPT STAGE`: runs GitLab Runner's script for one stage in the job's guest with the
 * chosen shell, streaming its output live to our stdout/stderr (the job log). The script travels
 * on stdin into a private temp file, never on a command line. A non-zero status is a build
 * failure (its real code also goes to `$BUILD_EXIT_CODE_FILE`); a lost VM is a system failure.
 */
import { createReadStream, existsSync, writeFileSync } from "node:fs";
import { isGuestError } from "../guest/guest-error.js";
import { shellQuote } from "../guest/shell-quote.js";
import type { GuestSession } from "../guest/ssh-guest.js";
import { DriverFailure } from "./driver-failure.js";
import { guestSshPort, jobDirectory, tartAccess, type DriverContext } from "./driver-context.js";
import { openGuestChannel } from "./guest-channel.js";
import { checkShellPath, readJobVariables } from "./job-variables.js";
import { readJobVm } from "./job-vm.js";

export const DEFAULT_SHELL = "/bin/zsh";

export interface RunOptions {
  readonly tartExecutable: string;
  readonly shell?: string;
  /** Seconds for the guest to accept SSH. */
  readonly timeout: number;
  readonly script: string;
  readonly stage: string;
}

export function scriptCommand(shell: string): string {
  return (
    `f=$(mktemp "\${TMPDIR:-/tmp}/gitlab-script.XXXXXX") || exit 1; ` +
    `cat > "$f" || { rm -f "$f"; exit 1; }; ` +
    `${shellQuote(shell)} "$f" </dev/null; rc=$?; rm -f "$f"; exit $rc`
  );
}

export async function runStage(context: DriverContext, options: RunOptions): Promise<void> {
  const job = readJobVariables(context.env);
  const shell = job.shell ?? options.shell ?? DEFAULT_SHELL;
  checkShellPath(shell, "--shell");
  if (!existsSync(options.script))
    throw new DriverFailure("system", `the script ${options.script} does not exist`);
  const vm = readJobVm(jobDirectory(context.env, job.jobId));
  if (vm === undefined)
    throw new DriverFailure("system", `job ${job.jobId} has no VM on this Mac: did prepare run?`);
  const access = tartAccess(context, options.tartExecutable);
  let session: GuestSession;
  try {
    session = await openGuestChannel(
      {
        vm,
        username: job.sshUsername,
        password: job.sshPassword,
        port: guestSshPort(context.env),
        ipTimeoutSeconds: job.ipTimeoutSeconds,
        connectTimeoutSeconds: options.timeout,
        signal: context.signal,
      },
      { tart: access.tart, clock: context.clock },
    );
  } catch (error) {
    throw new DriverFailure(
      "system",
      `cannot reach the VM ${vm}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  try {
    const result = await session.exec(scriptCommand(shell), {
      stdin: createReadStream(options.script),
      signal: context.signal,
      onStdout: (text) => context.stdout.write(text),
      onStderr: (text) => context.stderr.write(text),
      maxBuffer: 1024,
    });
    if (result.exitCode === 0) return;
    const code = result.exitCode ?? 1;
    const file = context.env["BUILD_EXIT_CODE_FILE"];
    if (file !== undefined && file !== "") writeFileSync(file, `${code}\n`);
    throw new DriverFailure(
      "build",
      `the ${options.stage} script exited with ${result.exitCode ?? result.signal}`,
      {
        scriptExitCode: code,
      },
    );
  } catch (error) {
    if (error instanceof DriverFailure) throw error;
    const what = isGuestError(error, "SSH_ABORTED") ? "was terminated" : "lost the VM";
    throw new DriverFailure(
      "system",
      `the ${options.stage} stage ${what}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  } finally {
    await session.close();
  }
}
