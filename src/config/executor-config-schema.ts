import { z } from "zod";
import { bodyBytes, logLevel, nameText, portNumber, secretText } from "./common-schemas.js";
import { durationSeconds, pauseSeconds } from "./duration.js";
import { httpUrl } from "./http-url.js";
import { labelsSchema } from "./labels.js";
import { memoryMegabytes } from "./memory-megabytes.js";
import { runnerEnvironmentSchema } from "./runner-environment-schema.js";
import { tartConfigSchema } from "./tart-config-schema.js";
import { EXECUTOR_DEFAULTS } from "./executor-defaults.js";
import { warmPoolSchema } from "./warm-pool-schema.js";

export const RUNNER_SCOPES = ["organization", "repo"] as const;
export type RunnerScope = (typeof RUNNER_SCOPES)[number];

const githubSchema = z.strictObject({
  runnerScope: z.enum(RUNNER_SCOPES),
  organizationName: nameText().optional(),
  ownerName: nameText().optional(),
  repositoryName: nameText().optional(),
  appId: nameText(),
  clientId: nameText().optional(),
  privateKey: nameText(),
  webhookSecret: secretText().optional(),
  apiUrl: httpUrl().optional(),
  /** Where jobs come from: workflow_job webhooks, or a runner scale set's message queue (docs/scale-sets.md). */
  jobSource: z.enum(["webhook", "scaleset"]).optional(),
  scaleSet: z
    .strictObject({
      name: nameText().optional(),
      runnerGroup: nameText().optional(),
      labels: labelsSchema().optional(),
    })
    .optional(),
});

const runnerSchema = z.strictObject({
  labels: labelsSchema(),
  group: z.string().trim().optional(),
  disableUpdates: z.boolean().optional(),
  environment: runnerEnvironmentSchema().optional(),
});

const webhookSchema = z.strictObject({
  port: portNumber(),
  host: nameText().optional(),
  routerUrl: httpUrl().optional(),
  localUrl: httpUrl().optional(),
  maxBodyBytes: bodyBytes().optional(),
  insecureSkipSignatureVerification: z.boolean().optional(),
  routerToken: secretText().optional(),
});

const t = EXECUTOR_DEFAULTS.timeoutSeconds;
const timeoutsSchema = z.strictObject({
  pull: durationSeconds(t.pull).optional(),
  clone: durationSeconds(t.clone).optional(),
  boot: durationSeconds(t.boot).optional(),
  runnerOnline: durationSeconds(t.runnerOnline).optional(),
  jobStart: durationSeconds(t.jobStart).optional(),
  jobMax: durationSeconds(t.jobMax).optional(),
  idle: durationSeconds(t.idle).optional(),
  teardown: durationSeconds(t.teardown).optional(),
  drain: durationSeconds(t.drain).optional(),
  tombstone: durationSeconds(t.tombstone).optional(),
  githubRequest: durationSeconds(t.githubRequest).optional(),
  afterJob: durationSeconds(t.afterJob).optional(),
  sweep: durationSeconds(t.sweep).optional(),
});

const retriesSchema = z.strictObject({
  maxAttempts: z.int().min(1).max(10).optional(),
  backoffSeconds: pauseSeconds(3600).optional(),
});

const loggingSchema = z.strictObject({
  level: logLevel().optional(),
  vmLogsToKeep: z.int().min(0).max(10_000).optional(),
});

/**
 * `tart-executor.yaml` as written: every key of the original Swift program with its original
 * type, plus the new ones. Strict at every level, so a misspelt key is an error, not a silently
 * ignored setting. Defaults and unit conversion happen in normalizeExecutorConfig.
 */
export const executorConfigSchema = z.strictObject({
  hostname: nameText(),
  // Required by the original but only reported there; optional here, where it becomes a budget.
  cpuLimit: z.int().min(1).optional(),
  totalMemory: memoryMegabytes().optional(),
  loggingEndpoint: httpUrl().optional(),
  // The original treated an empty token as "no authentication", so "" stays valid.
  apiToken: z.string().optional(),
  stateDirectory: nameText().optional(),
  logging: loggingSchema.optional(),
  tart: tartConfigSchema.optional(),
  github: githubSchema,
  runner: runnerSchema,
  webhook: webhookSchema,
  timeouts: timeoutsSchema.optional(),
  retries: retriesSchema.optional(),
  warmPool: warmPoolSchema.optional(),
});

export type RawExecutorConfig = z.output<typeof executorConfigSchema>;
