/**
 * Phase `provisioning`: make sure the guest has the runner (copying the host's cached tarball in
 * when the image lacks it), then start it detached with its single-use registration. The secret
 * (JIT config or registration token) travels on the SSH channel's stdin, never on a command line
 * and never into a file (src/guest/runner-commands.ts).
 */
import { checkRunnerCommand, installRunnerCommand, startRunnerCommand } from "../guest/runner-commands.js";
import { RUNNER_START_FAILED } from "../guest/start-runner-command.js";
import type { GuestSessionPort } from "./guest-port.js";

export interface GuestRunnerPaths {
  readonly runnerDir: string;
  readonly logFile: string;
  readonly exitFile: string;
}

export type RunnerRegistration =
  | { readonly kind: "jit"; readonly encodedJitConfig: string }
  | {
      readonly kind: "registration";
      readonly token: string;
      readonly url: string;
      readonly name: string;
      readonly labels: readonly string[];
      readonly runnerGroup: string | null;
      readonly workFolder: string;
      readonly disableUpdate: boolean;
    };

/** Copies the runner into the guest if `run.sh` is missing. Returns whether it had to. */
export async function ensureRunnerInstalled(
  session: GuestSessionPort,
  paths: GuestRunnerPaths,
  tarball: () => Promise<Buffer>,
  signal: AbortSignal,
): Promise<boolean> {
  const check = await session.exec(checkRunnerCommand(paths.runnerDir), { timeoutMs: 30_000, signal });
  if (check.stdout.trim() === "present") return false;
  const install = await session.exec(installRunnerCommand(paths.runnerDir), {
    stdin: await tarball(),
    timeoutMs: 5 * 60_000,
    signal,
  });
  if (install.exitCode !== 0)
    throw new Error(
      `installing the runner in the guest failed: ${firstLine(install.stderr) || `exit ${install.exitCode}`}`,
    );
  return true;
}

/**
 * Starts the runner detached, in the guest user's login environment plus `environment`; resolves
 * once the guest confirmed, a second after the start, that the runner is still up. Otherwise it
 * rejects at once with the reason and the last lines of the runner's log.
 */
export async function startRunner(
  session: GuestSessionPort,
  paths: GuestRunnerPaths,
  registration: RunnerRegistration,
  signal: AbortSignal,
  environment: Readonly<Record<string, string>> = {},
): Promise<void> {
  const mode =
    registration.kind === "jit"
      ? ({ kind: "jit" } as const)
      : {
          kind: "registration" as const,
          url: registration.url,
          name: registration.name,
          labels: registration.labels,
          workFolder: registration.workFolder,
          disableUpdate: registration.disableUpdate,
          ...(registration.runnerGroup === null ? {} : { runnerGroup: registration.runnerGroup }),
        };
  const secret = registration.kind === "jit" ? registration.encodedJitConfig : registration.token;
  const result = await session.exec(startRunnerCommand({ ...paths, mode, environment }), {
    stdin: `${secret}\n`,
    timeoutMs: 60_000,
    signal,
  });
  if (result.exitCode === RUNNER_START_FAILED) throw new Error(startFailure(result.stderr));
  if (result.exitCode !== 0)
    throw new Error(`starting the runner failed: ${firstLine(result.stderr) || `exit ${result.exitCode}`}`);
}

/** "the runner did not start: <why>; last lines of its log: <line> | <line> …" on one line, for logs and the ledger. */
function startFailure(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const [head = "the runner did not start", ...tail] = lines;
  return tail.length === 0 ? head : `${head} ${tail.slice(-10).join(" | ")}`;
}

function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .find((line) => line.trim() !== "")
      ?.trim() ?? ""
  );
}
