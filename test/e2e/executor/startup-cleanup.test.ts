/**
 * Start-up cleanup: VMs named like this host's (`tart-executor-<host>-…`) left in TART_HOME —
 * one of them still running — and runner registrations named like ours at GitHub are removed
 * before the executor listens; another host's VMs and runners, and foreign names, are left alone.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { registerOrgRunner } from "../../helpers/e2e-github-app.js";
import {
  diagnoseFailures,
  IMAGE_WITH_RUNNER,
  SIM_ORG,
  startE2eWorld,
  waitFor,
  type E2eWorld,
} from "../../helpers/e2e-world.js";
import type { ExecutorProcess } from "../../helpers/executor-process.js";

// One executor for the whole file; a loaded host stretches VM lives, so limits are generous.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const OURS_STOPPED = "tart-executor-mini-1-aaaaaaaa";
const OURS_RUNNING = "tart-executor-mini-1-bbbbbbbb";
const OTHER_HOST_VM = "tart-executor-mini-2-cccccccc";
const FOREIGN_VM = "my-build-vm";
const OUR_RUNNER = "tart-executor-mini-1-dddddddd";
const OTHER_HOST_RUNNER = "tart-executor-mini-2-eeeeeeee";
const FOREIGN_RUNNER = "build-box-7";

let world: E2eWorld;
let executor: ExecutorProcess;

diagnoseFailures(() => world);

beforeAll(async () => {
  world = await startE2eWorld();
  for (const name of [OURS_STOPPED, OURS_RUNNING, OTHER_HOST_VM, FOREIGN_VM]) {
    const cloned = await world.tart(["clone", IMAGE_WITH_RUNNER, name]);
    expect(cloned.code, cloned.stderr).toBe(0);
  }
  world.tartRunDetached(OURS_RUNNING);
  await waitFor(
    async () => (await world.localVms()).find((vm) => vm.Name === OURS_RUNNING)?.State === "running",
    15_000,
    `${OURS_RUNNING} running`,
  );
  for (const name of [OUR_RUNNER, OURS_RUNNING, OTHER_HOST_RUNNER, FOREIGN_RUNNER])
    await registerOrgRunner(world, SIM_ORG, name);
  executor = await world.startExecutor();
}, 60_000);

afterAll(async () => {
  await world?.close();
});

describe("start-up cleanup", () => {
  it("deletes this host's leftover VMs, stopping the running one first, and leaves other VMs alone", async () => {
    const names = (await world.localVms()).map((vm) => vm.Name).sort();
    expect(names).toEqual([FOREIGN_VM, OTHER_HOST_VM].sort());

    const ran = world.commands().map((command) => command.argv.slice(0, 2).join(" "));
    expect(ran).toContain(`stop ${OURS_RUNNING}`);
    expect(ran).toContain(`delete ${OURS_RUNNING}`);
    expect(ran).toContain(`delete ${OURS_STOPPED}`);
    expect(ran).not.toContain(`stop ${OURS_STOPPED}`);
    for (const untouched of [OTHER_HOST_VM, FOREIGN_VM])
      expect(world.commands().filter((command) => command.argv.includes(untouched))).toEqual([]);

    const deleted = executor.logs().filter((line) => line.msg === "deleted vm left from a previous run");
    expect(deleted.map((line) => line["vm"]).sort()).toEqual([OURS_STOPPED, OURS_RUNNING].sort());
  });

  it("removes runner registrations named like this host's, before listening, and keeps the others", async () => {
    expect(
      world.github
        .runners(SIM_ORG)
        .map((runner) => runner.name)
        .sort(),
    ).toEqual([FOREIGN_RUNNER, OTHER_HOST_RUNNER].sort());
    const removed = executor
      .logs()
      .filter((line) => line.msg === "removed runner registration left from a previous run");
    expect(removed.map((line) => line["runner"]).sort()).toEqual([OUR_RUNNER, OURS_RUNNING].sort());
    const logs = executor.logs();
    const listening = logs.findIndex((line) => line.msg === "tart-executor listening");
    expect(logs.findIndex((line) => line === removed.at(-1))).toBeLessThan(listening);
  });
});
