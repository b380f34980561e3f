/**
 * At start-up, nothing from a previous run of this host is trusted: its VMs (named
 * `tart-executor-<host>-…`) are deleted, as the original did, VMs the ledger still lists are
 * written off, and runner registrations of this host that no VM owns are removed from GitHub
 * (the original left them for users to clean up by hand).
 */
import type { Logger } from "pino";
import type { GitHubClient } from "../github/github-client.js";
import type { Tart } from "../tart/tart.js";
import type { LedgerEvent, Ledger } from "./model.js";
import { isOwnVmName } from "./vm-name.js";

export async function cleanUpAfterPreviousRun(deps: {
  tart: Pick<Tart, "listLocal" | "stop" | "delete">;
  github: Pick<GitHubClient, "listRunners" | "deleteRunner">;
  hostname: string;
  ledger: Ledger;
  record: (event: LedgerEvent) => void;
  now: () => number;
  log: Logger;
}): Promise<{ vmsDeleted: number; runnersDeleted: number }> {
  let vmsDeleted = 0;
  let runnersDeleted = 0;
  const local = await deps.tart.listLocal();
  for (const vm of local.filter((candidate) => isOwnVmName(candidate.name, deps.hostname))) {
    try {
      if (vm.state === "running") await deps.tart.stop(vm.name, { timeoutSeconds: 10 });
      await deps.tart.delete(vm.name);
      vmsDeleted += 1;
      deps.log.info({ vm: vm.name }, "deleted vm left from a previous run");
    } catch (error) {
      deps.log.error({ vm: vm.name, err: error }, "could not delete vm left from a previous run");
    }
  }
  for (const vm of deps.ledger.vms.values()) deps.record({ type: "vm-gone", at: deps.now(), vm: vm.name });
  try {
    for (const runner of await deps.github.listRunners()) {
      if (!isOwnVmName(runner.name, deps.hostname)) continue;
      const result = await deps.github.deleteRunner(runner.id);
      if (result === "deleted") runnersDeleted += 1;
      deps.log.info({ runner: runner.name, result }, "removed runner registration left from a previous run");
    }
  } catch (error) {
    deps.log.warn({ err: error }, "could not list runner registrations; leftovers will be removed later");
  }
  return { vmsDeleted, runnersDeleted };
}
