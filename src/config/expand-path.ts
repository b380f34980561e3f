import path from "node:path";

/**
 * Turns a path from a config file into one the daemon can open: `~` means the user's home and a
 * relative path is relative to the config file's directory, not to whatever directory launchd
 * happened to start us in.
 */
export function expandPath(value: string, options: { homedir: string; baseDir: string }): string {
  if (value === "~") return options.homedir;
  if (value.startsWith("~/")) return path.join(options.homedir, value.slice(2));
  if (path.isAbsolute(value)) return path.normalize(value);
  return path.join(options.baseDir, value);
}
