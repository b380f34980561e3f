import { z } from "zod";
import { nameText } from "./common-schemas.js";
import { durationSeconds } from "./duration.js";
import { memoryMegabytes } from "./memory-megabytes.js";
import { MAX_MACOS_VMS } from "./tart-config-schema.js";

/** Default longest life of a warm VM, in seconds: one hour, then it is replaced by a fresh one. */
export const WARM_MAX_AGE_SECONDS = 3600;

const poolSchema = z.strictObject({
  image: nameText(),
  cpu: z.int().min(1).optional(),
  memory: memoryMegabytes().optional(),
  count: z.int().min(1).max(MAX_MACOS_VMS),
});

/**
 * `warmPool:` — booted VMs with an idle runner kept waiting for jobs. Cross-key rules (counts
 * within the slots, images allowed, sizes within the budgets) are in check-warm-pool.ts.
 */
export const warmPoolSchema = z.strictObject({
  maxAge: durationSeconds(WARM_MAX_AGE_SECONDS).optional(),
  pools: z.array(poolSchema),
});

export type RawWarmPool = z.output<typeof warmPoolSchema>;
