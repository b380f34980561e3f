/**
 * Apple allows two macOS VMs per Mac, and `tart run` refuses a third with "The number of VMs
 * exceeds the system limit". When that happens with fewer than two VMs running, the limit has
 * leaked (tart issue #1217) and only a reboot of the Mac clears it; every VM this executor starts
 * will fail the same way until then. When the slots are taken by VMs this executor did not
 * start, those are named. Either way the operator reads it in the VM's failure and the give-up.
 */
import type { Tart } from "../tart/tart.js";

const LIMIT_REFUSAL = /exceeds the system limit/i;

export function isVmLimitRefusal(failure: string): boolean {
  return LIMIT_REFUSAL.test(failure);
}

export interface VmLimitDiagnosis {
  readonly leaked: boolean;
  /** What to add to the failure reason. */
  readonly explanation: string;
}

/** Lists running VMs (other than `vm`, which tart refused) to tell a leaked limit from a full one. */
export async function diagnoseVmLimit(
  vm: string,
  deps: { tart: Pick<Tart, "listLocal">; isOwnVm: (name: string) => boolean },
): Promise<VmLimitDiagnosis | null> {
  let running: string[];
  try {
    running = (await deps.tart.listLocal({ timeoutMs: 30_000 }))
      .filter((info) => info.state === "running" && info.name !== vm)
      .map((info) => info.name);
  } catch {
    return null; // the failure keeps tart's own words
  }
  if (running.length < 2)
    return {
      leaked: true,
      explanation:
        `macOS refused a VM with ${running.length} other VM(s) running now: its limit of 2 has likely ` +
        "leaked (tart issue #1217), and then every VM fails this way until this Mac is rebooted",
    };
  const foreign = running.filter((name) => !deps.isOwnVm(name));
  return {
    leaked: false,
    explanation:
      foreign.length > 0
        ? `macOS's 2 VM slots are taken, ${foreign.length} of them by VMs this executor did not start (${foreign.join(", ")})`
        : `macOS's 2 VM slots are taken by this executor's VMs (${running.join(", ")})`,
  };
}
