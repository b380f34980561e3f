import { ConfigError } from "./config-error.js";

const READ_FAILURES: Readonly<Record<string, { reason: string; hint?: string }>> = {
  ENOENT: { reason: "file not found", hint: "check the path, or pass --config PATH" },
  EACCES: { reason: "permission denied", hint: "make the file readable by the user the daemon runs as" },
  EPERM: { reason: "permission denied", hint: "make the file readable by the user the daemon runs as" },
  EISDIR: { reason: "it is a directory, not a file" },
};

/** Reads a config file; an unreadable file becomes a ConfigError naming the path and the reason. */
export function readConfigFile(path: string, readFile: (path: string) => string): string {
  try {
    return readFile(path);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const known = typeof code === "string" ? READ_FAILURES[code] : undefined;
    const reason = known?.reason ?? (error instanceof Error ? error.message : String(error));
    const issue = { file: path, path: "", message: `cannot read the configuration: ${reason}` };
    throw new ConfigError([known?.hint === undefined ? issue : { ...issue, hint: known.hint }], {
      cause: error,
    });
  }
}
