import { z } from "zod";
import { bodyBytes, logLevel, nameText, portNumber, secretText } from "./common-schemas.js";
import { durationSeconds } from "./duration.js";
import { httpUrl } from "./http-url.js";
import { labelsSchema } from "./labels.js";
import { ROUTER_DEFAULTS as D } from "./router-defaults.js";

const hostSchema = z.strictObject({
  hostname: nameText(),
  url: httpUrl(),
  // Lower is tried first, as in the original; any integer.
  priority: z.int(),
  cpuLimit: z.int().min(1).optional(),
  memoryLimit: z.int().min(1).optional(),
});

/**
 * The GitHub App, so the router can ask GitHub for the deliveries it missed while it was down. The
 * same keys, with the same meaning, as in tart-executor.yaml's `github` section.
 */
const githubSchema = z.strictObject({
  appId: nameText(),
  privateKey: nameText(),
  apiUrl: httpUrl().optional(),
});

/**
 * `tart-router.yaml` as written: the original's keys (with `label`, the spelling its README used,
 * accepted beside `labels`) plus the new ones. Strict at every level.
 */
export const routerConfigSchema = z.strictObject({
  hostname: nameText(),
  labels: labelsSchema().optional(),
  label: labelsSchema().optional(),
  host: nameText().optional(),
  port: portNumber(),
  hosts: z.array(hostSchema).min(1),
  loggingEndpoint: httpUrl().optional(),
  // As in the executor, an empty token means no authentication.
  apiToken: z.string().optional(),
  webhookSecret: secretText().optional(),
  insecureSkipSignatureVerification: z.boolean().optional(),
  executorToken: secretText().optional(),
  github: githubSchema.optional(),
  stateDirectory: nameText().optional(),
  logging: z.strictObject({ level: logLevel().optional() }).optional(),
  statusIntervalSeconds: durationSeconds(D.statusIntervalSeconds).optional(),
  forwardTimeoutSeconds: durationSeconds(D.forwardTimeoutSeconds).optional(),
  hostBackoff: z
    .strictObject({
      initialSeconds: durationSeconds(D.hostBackoffInitialSeconds).optional(),
      maxSeconds: durationSeconds(D.hostBackoffMaxSeconds).optional(),
    })
    .optional(),
  maxBodyBytes: bodyBytes().optional(),
});

export type RawRouterConfig = z.output<typeof routerConfigSchema>;
