import { checkRouterConfig } from "./check-router-config.js";
import type { ConfigEnvironment, LoadConfigDeps } from "./config-deps.js";
import { deepFreeze } from "./deep-freeze.js";
import { readConfigFile } from "./read-config-file.js";
import { routerConfigSchema } from "./router-config-schema.js";
import type { RouterConfig } from "./router-config.js";
import { normalizeRouterConfig } from "./normalize-router-config.js";
import { throwIfProblems, validateYamlConfig } from "./validate-yaml-config.js";

/** Validates tart-router.yaml text; throws ConfigError listing every problem. */
export function parseRouterConfig(yamlText: string, fileName: string, deps: ConfigEnvironment): RouterConfig {
  const { raw, source } = validateYamlConfig(
    yamlText,
    fileName,
    routerConfigSchema,
    "tart-router.example.yaml",
  );
  throwIfProblems(source, checkRouterConfig(raw, deps));
  return deepFreeze(normalizeRouterConfig(raw, fileName, deps));
}

/** Reads and validates tart-router.yaml. */
export function loadRouterConfig(path: string, deps: LoadConfigDeps): RouterConfig {
  return parseRouterConfig(readConfigFile(path, deps.readFile), path, deps);
}
