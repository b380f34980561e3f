/** Runs ruby for the formula checks; without ruby they fail (never skip) and say how to get it. */
import { spawnSync } from "node:child_process";

export interface RubyResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function ruby(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): RubyResult {
  const result = spawnSync("ruby", args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: "utf8",
    timeout: 120_000,
  });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT")
    throw new Error(
      "ruby is not installed, and the Homebrew formula checks need it: `apt-get install -y ruby` (CI installs it; macOS has it)",
    );
  if (result.error !== undefined) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
