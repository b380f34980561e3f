/**
 * Virtualization.framework's limit of concurrently running macOS VMs (2 under Apple's licence).
 * A VM takes a slot when its start succeeds; a start beyond `vmLimit.max` fails with tart's
 * message naming the other running VMs. Whether Linux guests count is configurable (no source
 * says), and `leaked` models hosts where the count never went down (tart #1217).
 */
import { withLock } from "../../faults.js";
import type { TartContext } from "../context.js";
import { listLocal } from "../storage/local-storage.js";
import type { VmConfig } from "../storage/vm-config.js";
import type { VmDirectory } from "../storage/vm-directory.js";
import type { RunRecord } from "../state/run-record.js";

/** Takes a slot for `vm` (recording it via `admit`), or returns the error tart prints. */
export function takeVmSlot(
  ctx: TartContext,
  vm: VmDirectory,
  config: VmConfig,
  admit: () => void,
): string | undefined {
  const { max, countLinux, leaked } = ctx.config().vmLimit;
  const counts = (os: VmConfig["os"]): boolean => os === "darwin" || countLinux;
  return withLock(ctx.simDir, () => {
    const others = listLocal(ctx.home())
      .filter((other) => other.name !== vm.name)
      .map((other) => ({ other, record: other.runRecord() }))
      .filter((o): o is { other: VmDirectory; record: RunRecord } => o.record !== undefined);
    if (!counts(config.os)) {
      admit();
      return undefined;
    }
    const occupied = others.filter(({ other, record }) => record.admitted === true && counts(osOf(other)));
    if (!leaked && occupied.length < max) {
      admit();
      return undefined;
    }
    const names = others.map(({ other }) => other.name);
    const hint = names.length === 0 ? "" : ` (other running VMs: ${names.join(", ")})`;
    return `The number of VMs exceeds the system limit${hint}`;
  });
}

function osOf(vm: VmDirectory): VmConfig["os"] {
  try {
    return vm.config().os;
  } catch {
    return "darwin";
  }
}
