/** Fixture shapes of actions/scaleset types (test/fixtures/scaleset/*.json) and a shape comparison. */
import { readFileSync } from "node:fs";
import path from "node:path";

const DIR = path.join(import.meta.dirname, "../../fixtures/scaleset");

export function fixture(name: string): { source: string; example: unknown } {
  return JSON.parse(readFileSync(path.join(DIR, `${name}.json`), "utf8")) as {
    source: string;
    example: unknown;
  };
}

/** Field names and JSON types, recursively (arrays by their first element). */
export function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (value === null) return "null";
  if (typeof value === "object")
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shapeOf(v)]),
    );
  return typeof value;
}
