import { z } from "zod";

/**
 * Read-only views into our zod schemas, so unknown-key suggestions and scalar coercion follow
 * the schema instead of a second, hand-kept list of keys that could drift from it.
 */

/** The schema that actually checks a value, past optional/default/pipe wrappers. */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodReadonly
  ) {
    return unwrapSchema(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodPipe) return unwrapSchema(schema.in as z.ZodType);
  return schema;
}

/** The alternatives a value may match: the options of a union, else the schema itself. */
function alternatives(schema: z.ZodType): z.ZodType[] {
  const inner = unwrapSchema(schema);
  if (inner instanceof z.ZodUnion) return (inner.options as z.ZodType[]).flatMap(alternatives);
  return [inner];
}

/** The schema for `parent[segment]`, or undefined where the schema has no such place. */
export function childSchema(schema: z.ZodType, segment: string | number): z.ZodType | undefined {
  for (const option of alternatives(schema)) {
    if (typeof segment === "number" && option instanceof z.ZodArray) return option.element as z.ZodType;
    if (typeof segment === "string" && option instanceof z.ZodObject) {
      const shape = option.shape as Record<string, z.ZodType>;
      if (Object.hasOwn(shape, segment)) return shape[segment];
    }
    if (typeof segment === "string" && option instanceof z.ZodRecord) return option.valueType as z.ZodType;
  }
  return undefined;
}

/** Follows a path from the root schema. */
export function schemaAt(schema: z.ZodType, path: readonly (string | number)[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const segment of path) {
    if (current === undefined) return undefined;
    current = childSchema(current, segment);
  }
  return current;
}

/** The keys a strict mapping at this schema accepts (empty when it is not a fixed-key mapping). */
export function knownKeys(schema: z.ZodType): string[] {
  return alternatives(schema).flatMap((option) =>
    option instanceof z.ZodObject ? Object.keys(option.shape as Record<string, z.ZodType>) : [],
  );
}

/**
 * Every fixed key with the path to it, e.g. `["webhook", "port"]`. Keys inside list entries
 * (`hosts[0].url`) are included only with `throughLists`, their index given as 0.
 */
export function allKeyPaths(
  schema: z.ZodType,
  options: { throughLists?: boolean } = {},
  prefix: readonly (string | number)[] = [],
): (string | number)[][] {
  const paths: (string | number)[][] = [];
  for (const option of alternatives(schema)) {
    if (option instanceof z.ZodObject) {
      for (const [key, child] of Object.entries(option.shape as Record<string, z.ZodType>)) {
        paths.push([...prefix, key], ...allKeyPaths(child, options, [...prefix, key]));
      }
    } else if (option instanceof z.ZodArray && options.throughLists === true) {
      paths.push(...allKeyPaths(option.element as z.ZodType, options, [...prefix, 0]));
    }
  }
  return paths;
}

/** What kinds of scalar a schema accepts, so a YAML scalar of another kind can be reinterpreted. */
export function scalarKinds(schema: z.ZodType): Set<"string" | "number" | "boolean"> {
  const kinds = new Set<"string" | "number" | "boolean">();
  for (const option of alternatives(schema)) {
    if (option instanceof z.ZodString || option instanceof z.ZodEnum) kinds.add("string");
    else if (option instanceof z.ZodNumber) kinds.add("number");
    else if (option instanceof z.ZodBoolean) kinds.add("boolean");
  }
  return kinds;
}

/** Whether a number schema accepts only whole numbers (z.int()). */
export function isIntegerSchema(schema: z.ZodType): boolean {
  return alternatives(schema).some((option) => option instanceof z.ZodNumber && option.isInt);
}
