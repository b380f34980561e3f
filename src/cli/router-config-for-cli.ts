/** Finds, reads and validates tart-router.yaml for the CLI. */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { loadRouterConfig, resolveRouterConfigPath, type RouterConfig } from "../config/index.js";

export function loadRouterConfigForCli(flag: string | undefined): { config: RouterConfig; path: string } {
  const deps = { env: process.env, homedir: homedir() };
  const resolved = resolveRouterConfigPath({
    ...deps,
    exists: existsSync,
    ...(flag === undefined ? {} : { flag }),
  });
  const config = loadRouterConfig(resolved.path, { ...deps, readFile: (file) => readFileSync(file, "utf8") });
  return { config, path: resolved.path };
}
