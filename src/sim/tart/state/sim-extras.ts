/**
 * Knobs of the simulated tart that the shared `SimConfig` schema does not (yet) have, read from
 * the same `<simDir>/config.json` (the shared schema ignores unknown keys):
 *
 *   "tartSim": { "hostDiskGB": 500 }   simulated capacity of the volume holding TART_HOME; when set,
 *                                      pull and clone auto-prune the OCI cache as real tart does
 *   "faults": {
 *     "auxStorageLock":   { match?, times? }             `tart run` fails to start: "Failed to lock auxiliary storage."
 *     "leasesUnreadable": { match?, times? }             `tart ip` (dhcp) finds the leases file malformed
 *     "pullNetworkError": { match?, times?, failures }   blob downloads fail `failures` times (retried up to 5 attempts)
 *   }
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { fireFaultSpec } from "../../faults.js";

const faultBase = { match: z.string().optional(), times: z.number().int().positive().optional() };

const extrasSchema = z.object({
  tartSim: z.object({ hostDiskGB: z.number().positive().optional() }).default({}),
  faults: z
    .object({
      auxStorageLock: z.object(faultBase).optional(),
      leasesUnreadable: z.object(faultBase).optional(),
      pullNetworkError: z.object({ ...faultBase, failures: z.number().int().positive() }).optional(),
    })
    .default({}),
});

export type SimExtras = z.infer<typeof extrasSchema>;
export type ExtraFaultName = keyof SimExtras["faults"];

export function readSimExtras(dir: string): SimExtras {
  let raw: unknown = {};
  try {
    raw = JSON.parse(readFileSync(path.join(dir, "config.json"), "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  return extrasSchema.parse(raw);
}

/** Like `fireFault` of `src/sim/faults.ts`, for the extra faults (same counters file). */
export function fireExtraFault<N extends ExtraFaultName>(
  dir: string,
  extras: SimExtras,
  name: N,
  subject: string,
): NonNullable<SimExtras["faults"][N]> | undefined {
  return fireFaultSpec(
    dir,
    name,
    extras.faults[name] as NonNullable<SimExtras["faults"][N]> | undefined,
    subject,
  );
}
