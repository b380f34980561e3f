import { checkExecutorConfig } from "./check-executor-config.js";
import type { ConfigEnvironment, LoadConfigDeps } from "./config-deps.js";
import { executorConfigSchema } from "./executor-config-schema.js";
import type { ExecutorConfig } from "./executor-config.js";
import { normalizeExecutorConfig } from "./normalize-executor-config.js";
import { deepFreeze } from "./deep-freeze.js";
import { readConfigFile } from "./read-config-file.js";
import { throwIfProblems, validateYamlConfig } from "./validate-yaml-config.js";

/**
 * Validates tart-executor.yaml text. `fileName` is used in messages and as the base for relative
 * paths in the file. Throws ConfigError listing every problem.
 */
export function parseExecutorConfig(
  yamlText: string,
  fileName: string,
  deps: ConfigEnvironment,
): ExecutorConfig {
  const { raw, source } = validateYamlConfig(
    yamlText,
    fileName,
    executorConfigSchema,
    "tart-executor.example.yaml",
  );
  throwIfProblems(source, checkExecutorConfig(raw, deps));
  return deepFreeze(normalizeExecutorConfig(raw, fileName, deps));
}

/** Reads and validates tart-executor.yaml. The GitHub App key is not read here, only its path resolved. */
export function loadExecutorConfig(path: string, deps: LoadConfigDeps): ExecutorConfig {
  return parseExecutorConfig(readConfigFile(path, deps.readFile), path, deps);
}
