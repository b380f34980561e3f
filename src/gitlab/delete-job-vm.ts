/** Stops (briefly) and deletes one VM; a VM that is already gone counts as deleted. */
import type { Tart } from "../tart/tart.js";
import { TartError } from "../tart/tart-error.js";

export async function deleteJobVm(tart: Pick<Tart, "stop" | "delete">, vm: string): Promise<void> {
  await tart.stop(vm, { timeoutSeconds: 10 }).catch(() => undefined);
  try {
    await tart.delete(vm);
  } catch (error) {
    if (error instanceof TartError && error.isMissingOrStopped) return;
    throw error;
  }
}
