/**
 * `vm limit`: Apple allows two macOS VMs per Mac, and VMs this executor did not start (a
 * developer's, a leftover of another tool) take those slots. A leaked limit cannot be seen before
 * it bites, so the fix is in the text either way.
 */
import { pass, warn, type DoctorCheck } from "./doctor-check.js";
import type { DoctorTart } from "./doctor-tart.js";
import { notOnMacos, VM_LIMIT_FIX } from "./macos-fixes.js";

export interface VmLimitInput {
  readonly platform: NodeJS.Platform;
  /** The Tart adapter; null when tart was not found or does not run (its own check says so). */
  readonly tart: DoctorTart | null;
  readonly isOwnVm: (name: string) => boolean;
}

export async function vmLimitCheck(input: VmLimitInput): Promise<DoctorCheck> {
  if (input.platform !== "darwin") return warn("vm limit", notOnMacos(input.platform), VM_LIMIT_FIX);
  if (input.tart === null)
    return warn("vm limit", "not checked: tart was not found or does not run", VM_LIMIT_FIX);
  let running: string[];
  try {
    // The listing the daemon uses for restart recovery and the sweep.
    running = (await input.tart.listLocal({ timeoutMs: 30_000 }))
      .filter((vm) => vm.state === "running")
      .map((vm) => vm.name);
  } catch (error) {
    return warn(
      "vm limit",
      `could not list VMs: ${error instanceof Error ? error.message : String(error)}`,
      VM_LIMIT_FIX,
    );
  }
  const foreign = running.filter((name) => !input.isOwnVm(name));
  if (foreign.length > 0)
    return warn(
      "vm limit",
      `${foreign.length} VM(s) not started by this executor are running (${foreign.join(", ")}) and take slots of Apple's limit of 2`,
      `stop them with \`tart stop <name>\`. ${VM_LIMIT_FIX}`,
    );
  return pass(
    "vm limit",
    'no other VMs are running; if tart still reports "exceeds the system limit", the limit leaked: reboot the Mac',
  );
}
