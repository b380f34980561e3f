/**
 * What parsing needs from the process. Passed in, never read from globals, so tests decide the
 * environment and home directory.
 */
export interface ConfigEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homedir: string;
}

/** Parsing plus reading the file; `readFile` returns UTF-8 text or throws like `fs.readFileSync`. */
export interface LoadConfigDeps extends ConfigEnvironment {
  readonly readFile: (path: string) => string;
}

/** An environment variable's value, treating an empty value as unset (launchd plists often carry empty strings). */
export function envValue(env: ConfigEnvironment["env"], name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
}
