/** Deletes this host's GitLab VMs that are older than the maximum age (left by a crashed driver). */
import type { Tart } from "../tart/tart.js";
import { isStaleGitlabVmName } from "./gitlab-vm-name.js";

export async function sweepStaleGitlabVms(
  tart: Pick<Tart, "listLocal" | "stop" | "delete">,
  hostname: string,
  nowMs: number,
  onSwept: (vm: string) => void,
): Promise<void> {
  const vms = await tart.listLocal();
  for (const vm of vms) {
    if (!isStaleGitlabVmName(vm.name, hostname, nowMs)) continue;
    if (vm.state === "running") await tart.stop(vm.name, { timeoutSeconds: 10 }).catch(() => undefined);
    await tart.delete(vm.name).then(
      () => onSwept(vm.name),
      () => undefined,
    );
  }
}
