/**
 * The periodic sweep while running: what the ledger does not know must not exist.
 * - VMs of this host in `tart list` that the ledger does not list are deleted (leaked);
 * - VMs in the ledger with no lifecycle task here (adopted after a restart) that tart reports
 *   stopped are removed (their guest powered off after its job);
 * - runner registrations of this host that no ledger VM owns, and that are not busy, are deleted.
 */
import type { Logger } from "pino";
import type { GitHubClient } from "../github/github-client.js";
import type { Tart } from "../tart/tart.js";
import type { Ledger } from "./model.js";
import { isOwnVmName } from "../shared/vm-name.js";
import { isStaleGitlabVmName } from "../gitlab/gitlab-vm-name.js";

export interface SweepResult {
  readonly leakedVms: number;
  readonly stoppedAdopted: number;
  readonly orphanRunners: number;
}

export async function sweep(deps: {
  tart: Pick<Tart, "listLocal" | "stop" | "delete">;
  github: Pick<GitHubClient, "listRunners" | "deleteRunner">;
  hostname: string;
  ledger: () => Ledger;
  hasTask: (vm: string) => boolean;
  removeAdopted: (vm: string) => void;
  log: Logger;
  now?: () => number;
}): Promise<SweepResult> {
  let leakedVms = 0;
  let stoppedAdopted = 0;
  let orphanRunners = 0;
  const listed = await deps.tart.listLocal();
  // GitLab driver (src/gitlab/) on the same Mac: its VMs past the maximum age were left by a crashed driver.
  for (const vm of listed.filter((entry) =>
    isStaleGitlabVmName(entry.name, deps.hostname, (deps.now ?? Date.now)()),
  )) {
    await deps.tart.stop(vm.name, { timeoutSeconds: 10 }).catch(() => undefined);
    await deps.tart.delete(vm.name).then(
      () => (leakedVms += 1),
      () => undefined,
    );
  }
  const local = listed.filter((vm) => isOwnVmName(vm.name, deps.hostname));
  for (const vm of local) {
    const known = deps.ledger().vms.get(vm.name);
    if (known === undefined) {
      if (deps.hasTask(vm.name)) continue; // started a moment ago
      await deps.tart.stop(vm.name, { timeoutSeconds: 10 }).catch(() => undefined);
      await deps.tart
        .delete(vm.name)
        .catch((error: unknown) => deps.log.error({ vm: vm.name, err: error }, "could not delete leaked vm"));
      leakedVms += 1;
      deps.log.warn({ vm: vm.name }, "deleted a vm the ledger did not know");
    } else if (!deps.hasTask(vm.name) && vm.state !== "running" && known.phase !== "tearing-down") {
      stoppedAdopted += 1;
      deps.removeAdopted(vm.name);
    }
  }
  for (const vm of deps.ledger().vms.values())
    if (
      !deps.hasTask(vm.name) &&
      vm.phase !== "tearing-down" &&
      !local.some((entry) => entry.name === vm.name)
    ) {
      stoppedAdopted += 1;
      deps.removeAdopted(vm.name);
    }
  const runners = await deps.github.listRunners();
  for (const runner of runners) {
    if (!isOwnVmName(runner.name, deps.hostname) || runner.busy) continue;
    if (deps.ledger().vms.has(runner.name) || deps.hasTask(runner.name)) continue;
    const result = await deps.github.deleteRunner(runner.id);
    if (result === "deleted") orphanRunners += 1;
    deps.log.warn({ runner: runner.name, result }, "deleted a runner registration no vm owns");
  }
  return { leakedVms, stoppedAdopted, orphanRunners };
}
