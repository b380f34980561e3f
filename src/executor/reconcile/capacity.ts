/** What our VMs use of the host, and whether one more fits. */
import type { Capacity, Ledger, VmSpec } from "../model.js";

export interface Usage {
  readonly vms: number;
  readonly cpu: number;
  readonly memoryMiB: number;
}

/** Every VM in the ledger counts, whatever its phase: a VM being torn down still holds its slot. */
export function usage(ledger: Ledger): Usage {
  let result: Usage = { vms: 0, cpu: 0, memoryMiB: 0 };
  for (const vm of ledger.vms.values()) result = withSpec(result, vm.spec);
  return result;
}

/** Usage after adding one VM of `spec`. A null cpu/memory (image default) counts 0. */
export function withSpec(used: Usage, spec: VmSpec): Usage {
  return {
    vms: used.vms + 1,
    cpu: used.cpu + (spec.cpu ?? 0),
    memoryMiB: used.memoryMiB + (spec.memoryMiB ?? 0),
  };
}

/** Whether one more VM of `spec` stays within the slot and budget limits. */
export function fits(used: Usage, spec: VmSpec, capacity: Capacity): boolean {
  const after = withSpec(used, spec);
  return (
    after.vms <= capacity.maxVms &&
    (capacity.cpuLimit === null || after.cpu <= capacity.cpuLimit) &&
    (capacity.memoryLimitMiB === null || after.memoryMiB <= capacity.memoryLimitMiB)
  );
}

/**
 * Why a VM of `spec` could never fit, even on an empty host, or null. Such a job would block the
 * strict arrival-order queue forever, so the reconciler gives it up instead.
 */
export function neverFits(spec: VmSpec, capacity: Capacity): string | null {
  const cpu = spec.cpu ?? 0;
  const memory = spec.memoryMiB ?? 0;
  if (capacity.cpuLimit !== null && cpu > capacity.cpuLimit) {
    return `needs ${cpu} CPUs, more than the host's CPU limit of ${capacity.cpuLimit}`;
  }
  if (capacity.memoryLimitMiB !== null && memory > capacity.memoryLimitMiB) {
    return `needs ${memory} MiB of memory, more than the host's limit of ${capacity.memoryLimitMiB} MiB`;
  }
  return null;
}
