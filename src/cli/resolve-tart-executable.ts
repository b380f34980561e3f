/**
 * Finds `tart`: the configured path (a bare name is looked up on PATH), else `tart` on PATH, else
 * Homebrew's locations — launchd starts services with a short PATH that lacks /opt/homebrew/bin
 * (gitlab-tart-executor #47).
 */
import { accessSync, constants } from "node:fs";
import path from "node:path";

/**
 * tart's Homebrew formula. tart moved from cirruslabs to openai in 2026 (openai/tart README.md:
 * `brew install openai/tools/tart`); the old tap's cirruslabs/cli/tart is frozen at an old version.
 */
export const TART_FORMULA = "openai/tools/tart";

/** What to do when tart is not found: install it from its current tap, or point at it. */
export const INSTALL_TART_HINT = `install it with \`brew install ${TART_FORMULA}\`, or set tart.executable to its path`;

/** The error for a tart that resolveTartExecutable did not find, naming where it looked. */
export function tartNotFoundMessage(configured: string | undefined): string {
  return configured === undefined
    ? `tart not found on PATH, in /opt/homebrew/bin or in /usr/local/bin: ${INSTALL_TART_HINT}`
    : `tart not found: tart.executable ${configured} is not an executable file (fix the path, or remove tart.executable to use tart from PATH or Homebrew)`;
}

export function resolveTartExecutable(
  configured: string | undefined,
  envPath: string | undefined,
): string | null {
  const onPath = (name: string): string[] =>
    (envPath ?? "")
      .split(path.delimiter)
      .filter((dir) => dir !== "")
      .map((dir) => path.join(dir, name));
  if (configured !== undefined)
    return (configured.includes("/") ? [configured] : onPath(configured)).find(isExecutable) ?? null;
  return [...onPath("tart"), "/opt/homebrew/bin/tart", "/usr/local/bin/tart"].find(isExecutable) ?? null;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
