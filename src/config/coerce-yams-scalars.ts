import type { z } from "zod";
import type { PathSegment } from "./config-problem.js";
import { childSchema, scalarKinds } from "./schema-walk.js";
import { scalarSourceAt, type YamlSource } from "./yaml-source.js";

// Yams (the original's YAML decoder) decides by the target type, not by YAML 1.2 tags: a String
// field takes any scalar's text as written, and a Bool field also takes yes/no/on/off in any case.
const YAMS_BOOLEANS: Readonly<Record<string, boolean>> = {
  true: true,
  yes: true,
  on: true,
  false: false,
  no: false,
  off: false,
};

function coerceScalar(value: unknown, schema: z.ZodType, source: YamlSource, path: PathSegment[]): unknown {
  const kinds = scalarKinds(schema);
  if ((typeof value === "number" || typeof value === "boolean") && kinds.has("string")) {
    if (kinds.has(typeof value === "number" ? "number" : "boolean")) return value;
    // The written text, so a password `0123` stays "0123" rather than becoming "123".
    return scalarSourceAt(source, path) ?? String(value);
  }
  if (typeof value === "string" && kinds.has("boolean") && !kinds.has("string")) {
    return YAMS_BOOLEANS[value.toLowerCase()] ?? value;
  }
  return value;
}

/**
 * Reinterprets scalars the way the original program read them, so every file it accepted still
 * loads: `hostname: 1234`, `appId: 1234567`, `password: 0123`, `isHeadless: yes`. Also drops
 * keys written with no value (`ssh:`), which Yams treated as absent for optional settings.
 */
export function coerceYamsScalars(
  value: unknown,
  schema: z.ZodType | undefined,
  source: YamlSource,
  path: PathSegment[] = [],
): unknown {
  if (schema === undefined) return value;
  if (Array.isArray(value)) {
    return value.map((item: unknown, index) =>
      coerceYamsScalars(item, childSchema(schema, index), source, [...path, index]),
    );
  }
  if (value !== null && typeof value === "object") {
    const entries: [string, unknown][] = [];
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const childType = childSchema(schema, key);
      // Unknown keys are kept, even empty ones, so validation can report them.
      if (child === null && childType !== undefined) continue;
      entries.push([key, coerceYamsScalars(child, childType, source, [...path, key])]);
    }
    return Object.fromEntries(entries);
  }
  return coerceScalar(value, schema, source, path);
}
