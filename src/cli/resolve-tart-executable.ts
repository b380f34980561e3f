/**
 * Finds `tart`: the configured path (a bare name is looked up on PATH), else `tart` on PATH, else
 * Homebrew's locations — launchd starts services with a short PATH that lacks /opt/homebrew/bin
 * (gitlab-tart-executor #47).
 */
import { accessSync, constants } from "node:fs";
import path from "node:path";

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
