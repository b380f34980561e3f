/**
 * After a restart (or a crash), the ledger, tart and GitHub are reconciled before any new work:
 * - a VM of this host that still runs and whose runner is busy at GitHub is ADOPTED: it stays in
 *   the ledger (busy) and is torn down when its job ends, like any other;
 * - every other VM of this host is deleted, and VMs the ledger lists that are gone are written off;
 * - a warm VM (warm pool) that still runs, was idle in the ledger and whose runner is online and
 *   idle at GitHub is ADOPTED too: it keeps waiting for a job (the reconciler decides whether its
 *   pool still wants it);
 * - runner registrations of this host that no adopted VM owns are deleted.
 * Queued jobs in the ledger are covered again by the first reconcile pass.
 */
import type { Logger } from "pino";
import type { GitHubClient, GitHubRunner } from "../github/github-client.js";
import type { Tart } from "../tart/tart.js";
import type { Ledger, LedgerEvent } from "./model.js";
import { isOwnVmName } from "../shared/vm-name.js";
import { isWarm } from "./reconcile/warm-pool.js";

export interface RecoveryResult {
  readonly adopted: readonly string[];
  readonly vmsDeleted: number;
  readonly runnersDeleted: number;
}

export async function recoverAfterRestart(deps: {
  tart: Pick<Tart, "listLocal" | "stop" | "delete">;
  github: Pick<GitHubClient, "listRunners" | "deleteRunner">;
  hostname: string;
  ledger: Ledger;
  record: (event: LedgerEvent) => void;
  now: () => number;
  log: Logger;
}): Promise<RecoveryResult> {
  const { log } = deps;
  let runners: GitHubRunner[] | null = null;
  try {
    runners = (await deps.github.listRunners()).filter((runner) => isOwnVmName(runner.name, deps.hostname));
  } catch (error) {
    log.warn(
      { err: error },
      "could not list runner registrations; adopting no VMs, leftovers go at the next sweep",
    );
  }
  const busyRunners = new Map(
    (runners ?? []).filter((runner) => runner.busy).map((runner) => [runner.name, runner]),
  );
  const idleRunners = new Map(
    (runners ?? [])
      .filter((runner) => !runner.busy && runner.status === "online")
      .map((runner) => [runner.name, runner]),
  );
  const adopted: string[] = [];
  let vmsDeleted = 0;
  const local = (await deps.tart.listLocal()).filter((vm) => isOwnVmName(vm.name, deps.hostname));
  for (const vm of local) {
    const known = deps.ledger.vms.get(vm.name);
    const runner = busyRunners.get(vm.name);
    if (known !== undefined && vm.state === "running" && runner !== undefined) {
      adopted.push(vm.name);
      deps.record({ type: "vm-phase", at: deps.now(), vm: vm.name, phase: "busy", runnerId: runner.id });
      log.info({ vm: vm.name, runner: runner.id }, "adopted vm whose runner is running a job");
      continue;
    }
    const idle = idleRunners.get(vm.name);
    if (known !== undefined && isWarm(known) && known.phase === "idle" && vm.state === "running" && idle) {
      adopted.push(vm.name);
      log.info({ vm: vm.name, runner: idle.id }, "adopted warm vm whose runner is online and idle");
      continue;
    }
    try {
      if (vm.state === "running") await deps.tart.stop(vm.name, { timeoutSeconds: 10 });
      await deps.tart.delete(vm.name);
      vmsDeleted += 1;
      log.info({ vm: vm.name }, "deleted vm left from a previous run");
    } catch (error) {
      log.error({ vm: vm.name, err: error }, "could not delete vm left from a previous run");
    }
  }
  for (const vm of deps.ledger.vms.values())
    if (!adopted.includes(vm.name)) deps.record({ type: "vm-gone", at: deps.now(), vm: vm.name });
  let runnersDeleted = 0;
  for (const runner of runners ?? []) {
    if (adopted.includes(runner.name)) continue;
    const result = await deps.github.deleteRunner(runner.id).catch(() => "failed" as const);
    if (result === "deleted") runnersDeleted += 1;
    log.info({ runner: runner.name, result }, "removed runner registration left from a previous run");
  }
  return { adopted, vmsDeleted, runnersDeleted };
}
