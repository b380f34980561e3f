/**
 * Boots the job's VM and readies its guest: `tart run` detached with the shares, then the guest
 * channel (racing the VM's own exit, so a VM that dies at start fails at once with tart's reason),
 * the share links, and gitlab-runner when asked.
 */
import { readFileSync } from "node:fs";
import type { GuestSession } from "../guest/ssh-guest.js";
import { say, type DriverContext, type TartAccess } from "./driver-context.js";
import { openGuestChannel } from "./guest-channel.js";
import { linkSharesCommand, tartDirArgument, type Share } from "./guest-shares.js";
import { installGitlabRunnerCommand, type InstallOptions } from "./install-gitlab-runner.js";
import type { JobVariables } from "./job-variables.js";
import { tartRunDetached } from "./tart-extras.js";

export interface BootOptions {
  readonly vm: string;
  readonly job: JobVariables;
  readonly shares: readonly Share[];
  readonly logFile: string;
  readonly sshPort: number;
  readonly connectTimeoutSeconds: number;
  readonly install: InstallOptions | undefined;
}

export async function bootJobVm(
  context: DriverContext,
  access: TartAccess,
  options: BootOptions,
): Promise<void> {
  const { vm, job } = options;
  say(context, `Starting ${vm}...`);
  const run = tartRunDetached(access, vm, {
    noGraphics: job.headless,
    softnet: job.softnet,
    vnc: job.vnc,
    dirs: options.shares.map(tartDirArgument),
    logFile: options.logFile,
  });
  const stopWaiting = new AbortController();
  const onAbort = (): void => stopWaiting.abort(context.signal.reason);
  context.signal.addEventListener("abort", onAbort, { once: true });
  const died = run.exited.then((code) => {
    throw new Error(
      `tart run exited (${code ?? "signal"}) before the guest was ready: ${lastLine(options.logFile)}`,
    );
  });
  let session: GuestSession | undefined;
  try {
    session = await Promise.race([
      openGuestChannel(
        {
          vm,
          username: job.sshUsername,
          password: job.sshPassword,
          port: options.sshPort,
          ipTimeoutSeconds: job.ipTimeoutSeconds,
          connectTimeoutSeconds: options.connectTimeoutSeconds,
          signal: stopWaiting.signal,
        },
        { tart: access.tart, clock: context.clock },
      ),
      died,
    ]);
    if (options.shares.length > 0)
      await guestStep(session, linkSharesCommand(options.shares), "linking the shared directories", context);
    if (options.install !== undefined) {
      say(context, "Making sure gitlab-runner is installed in the VM...");
      await guestStep(
        session,
        installGitlabRunnerCommand(options.install),
        "installing gitlab-runner",
        context,
      );
    }
  } finally {
    died.catch(() => undefined);
    stopWaiting.abort();
    context.signal.removeEventListener("abort", onAbort);
    await session?.close();
  }
}

async function guestStep(
  session: GuestSession,
  command: string,
  what: string,
  context: DriverContext,
): Promise<void> {
  const result = await session.exec(command, {
    timeoutMs: 600_000,
    signal: context.signal,
    onStdout: (text) => context.stdout.write(text),
    onStderr: (text) => context.stderr.write(text),
    maxBuffer: 64 * 1024,
  });
  if (result.exitCode !== 0) {
    const detail = (result.stderr.trim().split("\n").at(-1) ?? "").slice(0, 300);
    throw new Error(
      `${what} failed in the guest (exit ${result.exitCode ?? result.signal})${detail ? `: ${detail}` : ""}`,
    );
  }
}

function lastLine(file: string): string {
  try {
    const lines = readFileSync(file, "utf8").trim().split("\n");
    return (lines.at(-1) ?? "").slice(0, 300);
  } catch {
    return "no output";
  }
}
