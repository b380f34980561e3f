import path from "node:path";
import { ConfigError } from "./config-error.js";
import { envValue } from "./config-deps.js";
import { expandPath } from "./expand-path.js";

export interface ResolveConfigPathOptions {
  /** The --config flag, if given. */
  readonly flag?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homedir: string;
  readonly exists: (path: string) => boolean;
}

export interface ResolvedConfigPath {
  readonly path: string;
  /** Every path looked at, in order, ending with the one chosen. */
  readonly tried: readonly string[];
}

// brew services starts daemons with no environment, so HOMEBREW_PREFIX is often unset there; then
// both standard prefixes (Apple Silicon, Intel) are tried.
const HOMEBREW_PREFIXES = ["/opt/homebrew", "/usr/local"];

function explicitPath(value: string, homedir: string): string {
  return value === "~" || value.startsWith("~/") ? expandPath(value, { homedir, baseDir: "." }) : value;
}

function explicitChoice(flag: string | undefined, fromEnv: string | undefined, envName: string) {
  if (flag !== undefined && flag !== "") return { value: flag, source: "--config" };
  if (fromEnv !== undefined) return { value: fromEnv, source: `$${envName}` };
  return undefined;
}

/**
 * Finds the config file: --config, then $<envName>, then ~/<fileName>, then
 * $HOMEBREW_PREFIX/etc/<fileName>. A path given by flag or environment is used as is (no falling
 * back to another file the user did not ask for); otherwise the first existing candidate wins.
 */
export function resolveConfigPath(
  options: ResolveConfigPathOptions & { readonly fileName: string; readonly envName: string },
): ResolvedConfigPath {
  const { flag, env, homedir, exists, fileName, envName } = options;
  const explicit = explicitChoice(flag, envValue(env, envName), envName);
  if (explicit !== undefined) {
    const chosen = explicitPath(explicit.value, homedir);
    if (exists(chosen)) return { path: chosen, tried: [chosen] };
    throw new ConfigError([
      {
        file: chosen,
        path: "",
        message: `configuration file not found (named by ${explicit.source})`,
        hint: `check the path given in ${explicit.source}`,
      },
    ]);
  }
  const prefix = envValue(env, "HOMEBREW_PREFIX");
  const prefixes = prefix === undefined ? HOMEBREW_PREFIXES : [prefix];
  const candidates = [path.join(homedir, fileName), ...prefixes.map((p) => path.join(p, "etc", fileName))];
  const tried: string[] = [];
  for (const candidate of candidates) {
    tried.push(candidate);
    if (exists(candidate)) return { path: candidate, tried };
  }
  throw new ConfigError([
    {
      file: fileName,
      path: "",
      message: `no configuration file found; tried ${tried.join(", ")}`,
      hint: `copy ${fileName.replace(/\.yaml$/, ".example.yaml")} to ${tried[0] ?? fileName}, or pass --config PATH or set $${envName}`,
    },
  ]);
}

/** Finds tart-executor.yaml (see resolveConfigPath for the order). */
export function resolveExecutorConfigPath(options: ResolveConfigPathOptions): ResolvedConfigPath {
  return resolveConfigPath({ ...options, fileName: "tart-executor.yaml", envName: "TART_EXECUTOR_CONFIG" });
}

/** Finds tart-router.yaml (see resolveConfigPath for the order). */
export function resolveRouterConfigPath(options: ResolveConfigPathOptions): ResolvedConfigPath {
  return resolveConfigPath({ ...options, fileName: "tart-router.yaml", envName: "TART_ROUTER_CONFIG" });
}
