/** Validates webhook payloads against @octokit/webhooks-schemas (draft-07; ajv non-strict + formats). */
import { createRequire } from "node:module";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";

export function loadWebhookValidator(): (definition: string, payload: unknown) => string | undefined {
  const require = createRequire(import.meta.url);
  const schema = require("@octokit/webhooks-schemas") as { definitions: object };
  const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  // Only the definitions: the root's oneOf over every event would make ajv compile all of them.
  ajv.addSchema(
    { $schema: "http://json-schema.org/draft-07/schema", definitions: schema.definitions },
    "webhooks",
  );
  return (definition, payload) => {
    const validate = ajv.getSchema(`webhooks#/definitions/${definition}`);
    if (validate === undefined) throw new Error(`no webhook definition ${definition}`);
    return validate(payload) ? undefined : ajv.errorsText(validate.errors, { separator: "\n" });
  };
}
