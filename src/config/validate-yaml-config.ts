import type { z } from "zod";
import { ConfigError } from "./config-error.js";
import type { ConfigProblem } from "./config-problem.js";
import { coerceYamsScalars } from "./coerce-yams-scalars.js";
import { translateZodIssues } from "./translate-zod-issues.js";
import { locateProblem, parseYamlSource, yamlToData, type YamlSource } from "./yaml-source.js";

/** Throws a ConfigError for the problems, located in the file; returns when there are none. */
export function throwIfProblems(source: YamlSource, problems: readonly ConfigProblem[]): void {
  if (problems.length > 0) throw new ConfigError(problems.map((p) => locateProblem(source, p)));
}

/**
 * Parses YAML text and checks it against a schema: syntax, shape, types and per-value rules.
 * `example` names the example file the user can start from when the file is empty.
 */
export function validateYamlConfig<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  example: string,
): { raw: z.output<S>; source: YamlSource } {
  const source = parseYamlSource(text, file);
  const data = yamlToData(source);
  if (data === null || data === undefined) {
    throwIfProblems(source, [{ path: [], message: "the file is empty", hint: `start from ${example}` }]);
  }
  if (typeof data !== "object" || Array.isArray(data)) {
    throwIfProblems(source, [{ path: [], message: "must be a mapping of settings (key: value lines)" }]);
  }
  const coerced = coerceYamsScalars(data, schema, source);
  const result = schema.safeParse(coerced);
  if (!result.success) throwIfProblems(source, translateZodIssues(result.error.issues, coerced, schema));
  return { raw: result.data as z.output<S>, source };
}
