/**
 * Checks the executors' answers (router-protocol.ts) before the router trusts them: a garbled
 * answer counts as a failed forward, never as capacity. Extra fields are allowed, so executors
 * can add to the protocol without breaking older routers.
 */
import { z } from "zod";
import type { CapacitySummary, ExecutorStatusAnswer, ForwardAnswer } from "../shared/router-protocol.js";

const count = z.number().int().nonnegative();

const capacitySchema = z.object({
  accepting: z.boolean(),
  virtualMachineLimit: count,
  activeVirtualMachines: count,
  freeSlots: z.number().int(),
  uncoveredJobs: count,
  cpuLimit: count.nullable(),
  cpuUsed: z.number().nonnegative(),
  totalMemory: count.nullable(),
  memoryUsed: z.number().nonnegative(),
  warmLabels: z.array(z.array(z.string())).optional(),
});

const forwardAnswerSchema = z.object({
  result: z.enum(["accepted", "full", "duplicate", "recorded", "ignored"]),
  message: z.string(),
  capacity: capacitySchema,
});

const statusAnswerSchema = capacitySchema.extend({
  hostname: z.string(),
  version: z.string(),
  inProgressJobs: count,
  pendingJobs: count,
});

/** Only the capacity fields (a status answer also lists VMs the router does not need). */
export function capacityOf(value: CapacitySummary): CapacitySummary {
  return {
    accepting: value.accepting,
    virtualMachineLimit: value.virtualMachineLimit,
    activeVirtualMachines: value.activeVirtualMachines,
    freeSlots: Math.max(0, value.freeSlots),
    uncoveredJobs: value.uncoveredJobs,
    cpuLimit: value.cpuLimit,
    cpuUsed: value.cpuUsed,
    totalMemory: value.totalMemory,
    memoryUsed: value.memoryUsed,
    ...(value.warmLabels === undefined || value.warmLabels.length === 0
      ? {}
      : { warmLabels: value.warmLabels }),
  };
}

export function parseForwardAnswer(body: unknown): ForwardAnswer | null {
  const parsed = forwardAnswerSchema.safeParse(body);
  if (!parsed.success) return null;
  return {
    result: parsed.data.result,
    message: parsed.data.message,
    capacity: capacityOf(parsed.data.capacity),
  };
}

export function parseStatusAnswer(body: unknown): ExecutorStatusAnswer | null {
  const parsed = statusAnswerSchema.safeParse(body);
  if (!parsed.success) return null;
  const { hostname, version, inProgressJobs, pendingJobs } = parsed.data;
  return { ...capacityOf(parsed.data), hostname, version, inProgressJobs, pendingJobs };
}
