/**
 * Finds `tart`: the configured path, else `tart` on PATH, else Homebrew's locations — launchd
 * starts services with a short PATH that lacks /opt/homebrew/bin (gitlab-tart-executor #47).
 */
import { accessSync, constants } from "node:fs";
import path from "node:path";

export function resolveTartExecutable(
  configured: string | undefined,
  envPath: string | undefined,
): string | null {
  const isExecutable = (file: string): boolean => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (configured !== undefined) return isExecutable(configured) ? configured : null;
  const candidates = [
    ...(envPath ?? "")
      .split(path.delimiter)
      .filter((dir) => dir !== "")
      .map((dir) => path.join(dir, "tart")),
    "/opt/homebrew/bin/tart",
    "/usr/local/bin/tart",
  ];
  return candidates.find(isExecutable) ?? null;
}
