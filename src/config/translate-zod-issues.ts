import type { z } from "zod";
import { closestMatch } from "./closest-match.js";
import { formatConfigPath, type ConfigProblem, type PathSegment } from "./config-problem.js";
import { describeValue } from "./describe-value.js";
import { allKeyPaths, isIntegerSchema, knownKeys, schemaAt } from "./schema-walk.js";

type ZodIssue = z.core.$ZodIssue;

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

function invalidType(
  zodExpected: string,
  input: unknown,
  schema: z.ZodType | undefined,
): Omit<ConfigProblem, "path"> {
  if (input === undefined) return { message: "is required" };
  // zod says "number" for a wrong type even when the field takes only whole numbers.
  const wholeNumber = zodExpected === "number" && schema !== undefined && isIntegerSchema(schema);
  const expected = wholeNumber ? "int" : zodExpected;
  const message = `must be ${EXPECTED[expected] ?? expected}, got ${describeValue(input)}`;
  const numeric = expected === "number" || expected === "int";
  if (numeric && typeof input === "string" && input.trim() !== "" && Number.isFinite(Number(input))) {
    return { message, hint: `remove the quotes around ${input}` };
  }
  return { message };
}

/** Hint for a key the schema does not know: a near spelling here, the same key elsewhere, or the list. */
function unknownKeyHint(schema: z.ZodType, parent: readonly PathSegment[], key: string): string | undefined {
  const parentSchema = schemaAt(schema, parent);
  const local = parentSchema === undefined ? [] : knownKeys(parentSchema);
  // A one-letter slip here beats the same key at another level; a looser match here comes after it.
  const typo = closestMatch(key, local, 1);
  if (typo !== undefined) return `did you mean "${typo}"?`;
  const elsewhere = allKeyPaths(schema)
    .filter((p) => String(p.at(-1)).toLowerCase() === key.toLowerCase())
    .map((p) => `"${formatConfigPath(p)}"`);
  if (elsewhere.length > 0) return `did you mean ${elsewhere.join(" or ")}? It belongs at another level`;
  const near = closestMatch(key, local);
  if (near !== undefined) return `did you mean "${near}"?`;
  return local.length > 0 ? `known keys here: ${local.join(", ")}` : undefined;
}

function translateOne(
  issue: ZodIssue,
  data: unknown,
  schema: z.ZodType,
  prefix: PathSegment[],
): ConfigProblem[] {
  const path = [...prefix, ...(issue.path as PathSegment[])];
  const input = valueAt(data, path);
  const at = (detail: Omit<ConfigProblem, "path">): ConfigProblem[] => [{ path, ...detail }];
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => {
        const hint = unknownKeyHint(schema, path, key);
        const base = { path: [...path, key], message: `unknown key "${key}"`, at: "key" as const };
        return hint === undefined ? base : { ...base, hint };
      });
    case "invalid_type":
      return at(invalidType(issue.expected, input, schemaAt(schema, path)));
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.origin === "string") return at({ message: "must not be empty" });
      if (issue.origin === "array")
        return at({ message: `must list at least ${min} ${min === 1 ? "entry" : "entries"}` });
      return at({
        message: issue.inclusive === false ? `must be greater than ${min}` : `must be at least ${min}`,
      });
    }
    case "too_big": {
      const max = Number(issue.maximum);
      if (issue.origin === "string") return at({ message: `must be at most ${max} characters long` });
      if (issue.origin === "array") return at({ message: `must list at most ${max} entries` });
      return at({
        message: issue.inclusive === false ? `must be less than ${max}` : `must be at most ${max}`,
      });
    }
    case "invalid_value": {
      const options = issue.values.map((v) => JSON.stringify(v));
      const message = `must be one of ${options.join(", ")}, got ${describeValue(input)}`;
      const near = typeof input === "string" ? closestMatch(input, issue.values.map(String)) : undefined;
      return at(near === undefined ? { message } : { message, hint: `did you mean "${near}"?` });
    }
    case "invalid_union": {
      if (input === undefined) return at({ message: "is required" });
      // Report the alternative whose shape matched (e.g. a list with one bad entry), else what was expected.
      const shapeMatched = issue.errors.find(
        (errs) => !errs.some((e) => e.code === "invalid_type" && e.path.length === 0),
      );
      if (shapeMatched !== undefined) return shapeMatched.flatMap((e) => translateOne(e, data, schema, path));
      const expected = issue.errors.flatMap((errs) =>
        errs.flatMap((e) => (e.code === "invalid_type" ? [e.expected] : [])),
      );
      const names = [...new Set(expected)].map((e) => EXPECTED[e] ?? e);
      return at({ message: `must be ${names.join(" or ")}, got ${describeValue(input)}` });
    }
    case "custom": {
      const hint = (issue.params as { hint?: unknown } | undefined)?.hint;
      return at(typeof hint === "string" ? { message: issue.message, hint } : { message: issue.message });
    }
    // Our schemas use no string formats, record key checks, map/set elements or multiples, so
    // these only appear if a schema grows one; zod's own text is the best available then.
    case "invalid_format":
    case "invalid_key":
    case "invalid_element":
    case "not_multiple_of":
      return at({ message: issue.message });
  }
}

/** Turns zod's issues into problems phrased for someone editing the YAML file. */
export function translateZodIssues(
  issues: readonly ZodIssue[],
  data: unknown,
  schema: z.ZodType,
): ConfigProblem[] {
  return issues.flatMap((issue) => translateOne(issue, data, schema, []));
}
