/**
 * Validates fake responses against GitHub's REST OpenAPI description (@octokit/openapi,
 * api.github.com.json, loaded once per test file), with the `nullable`-without-`type` fix ajv needs.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

type Json = Record<string, unknown>;

function fixNullable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fixNullable);
  if (typeof value !== "object" || value === null) return value;
  const out: Json = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fixNullable(v)]));
  if (out["nullable"] === true && !("type" in out)) {
    const { nullable: _nullable, ...rest } = out;
    return { anyOf: [rest, { type: "null" }] };
  }
  // OpenAPI 3.0 lets `nullable` widen an `enum`; JSON Schema needs null listed.
  if (out["nullable"] === true && Array.isArray(out["enum"]) && !out["enum"].includes(null))
    return { ...out, enum: [...(out["enum"] as unknown[]), null] };
  return out;
}

export interface OpenApiValidator {
  /** Ajv errors as text, or undefined when `body` matches the documented response. */
  check(method: string, path: string, status: number, body: unknown): string | undefined;
  /** Whether the spec documents a JSON body for this response. */
  documents(method: string, path: string, status: number): boolean;
  /** Checks `body` against `#/components/schemas/<name>` (for errors the spec leaves undocumented). */
  checkSchema(name: string, body: unknown): string | undefined;
}

export function loadOpenApi(): OpenApiValidator {
  const require = createRequire(import.meta.url);
  const spec = JSON.parse(
    readFileSync(require.resolve("@octokit/openapi/generated/api.github.com.json"), "utf8"),
  ) as { paths: Record<string, Record<string, { responses: Record<string, Json> }>>; components: Json };
  const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  ajv.addSchema({ $id: "gh", components: fixNullable(spec.components) });
  const cache = new Map<string, ValidateFunction | undefined>();

  const resolve = (ref: string): Json =>
    ref
      .split("/")
      .slice(1)
      .reduce<Json>((node, key) => node[key] as Json, spec as unknown as Json);

  const validatorFor = (method: string, path: string, status: number): ValidateFunction | undefined => {
    const key = `${method} ${path} ${status}`;
    if (cache.has(key)) return cache.get(key);
    const operation = spec.paths[path]?.[method.toLowerCase()];
    if (operation === undefined) throw new Error(`the spec has no ${method} ${path}`);
    let response = operation.responses[String(status)];
    if (response !== undefined && typeof response["$ref"] === "string") response = resolve(response["$ref"]);
    const schema = (response?.["content"] as Json | undefined)?.["application/json"] as Json | undefined;
    const validate =
      schema === undefined
        ? undefined
        : ajv.compile(
            fixNullable(
              JSON.parse(JSON.stringify(schema["schema"]).replaceAll('"#/components/', '"gh#/components/')),
            ) as Json,
          );
    cache.set(key, validate);
    return validate;
  };

  return {
    checkSchema: (name, body) => {
      const validate = ajv.getSchema(`gh#/components/schemas/${name}`);
      if (validate === undefined) throw new Error(`no component schema ${name}`);
      return validate(body) ? undefined : ajv.errorsText(validate.errors, { separator: "\n" });
    },
    documents: (method, path, status) => validatorFor(method, path, status) !== undefined,
    check: (method, path, status, body) => {
      const validate = validatorFor(method, path, status);
      if (validate === undefined) return `the spec documents no JSON body for ${method} ${path} ${status}`;
      return validate(body) ? undefined : ajv.errorsText(validate.errors, { separator: "\n" });
    },
  };
}
