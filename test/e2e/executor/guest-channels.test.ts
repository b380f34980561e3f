/**
 * tart.guestChannel on the real executor process and the simulated Mac: `auto` takes the guest
 * agent (tart exec) when the image has it and falls back to SSH when it has not, saying which in
 * its log; `agent` and `ssh` pin one channel; every guest step of a VM goes through its channel.
 */
import { describe, expect, it, vi } from "vitest";
import {
  clonedVms,
  IMAGE_WITH_RUNNER,
  leftovers,
  useE2eWorld,
  waitForVmsDeleted,
  type E2eWorld,
  type TartCommand,
} from "../../helpers/e2e-world.js";
import type { ExecutorProcess, LogLine } from "../../helpers/executor-process.js";

vi.setConfig({ maxConcurrency: 2, testTimeout: 120_000, hookTimeout: 90_000 });

const NOTHING_LEFT = { vms: [], runners: [] };

function channelChoice(executor: ExecutorProcess): LogLine | undefined {
  return executor.logs().find((line) => line.msg === "guest channel chosen");
}

/** The executor's tart exec calls for `vm` that ran a guest step (not the readiness probe). */
function guestSteps(world: E2eWorld, vm: string): TartCommand[] {
  return world
    .commands()
    .filter(
      (command) => command.argv[0] === "exec" && command.argv.includes(vm) && command.argv.at(-1) !== "true",
    );
}

describe.concurrent("guest channels", () => {
  it("auto: an image with the agent is reached through tart exec for every guest step, and the log says so", async (context) => {
    const world = await useE2eWorld(context);
    const executor = await world.startExecutor();
    const view = await world.queue(["tartelet", IMAGE_WITH_RUNNER]).settled(90_000);
    expect(view.conclusion).toBe("success");
    await waitForVmsDeleted(executor, 1);
    const [vm = ""] = clonedVms(world);
    expect(channelChoice(executor)).toMatchObject({
      vm,
      channel: "agent",
      reason: "tart exec true succeeded",
    });
    // Check and start the runner, follow its log: each a `tart exec [-i] <vm> /bin/sh -c …`.
    const steps = guestSteps(world, vm);
    expect(steps.length).toBeGreaterThanOrEqual(3);
    for (const step of steps)
      expect(step.argv.slice(step.argv.indexOf(vm) + 1, -1)).toEqual(["/bin/sh", "-c"]);
    // The JIT config went on stdin: exactly one step ran interactively (-i), the start.
    expect(steps.filter((step) => step.argv[1] === "-i")).toHaveLength(1);
    expect(await leftovers(world)).toEqual(NOTHING_LEFT);
  });

  it("ssh pinned: no tart exec at all, the job is served over SSH", async (context) => {
    const world = await useE2eWorld(context);
    const executor = await world.startExecutor({ tart: { guestChannel: "ssh" } });
    const view = await world.queue(["tartelet", IMAGE_WITH_RUNNER]).settled(90_000);
    expect(view.conclusion).toBe("success");
    await waitForVmsDeleted(executor, 1);
    expect(world.commands().some((command) => command.argv[0] === "exec")).toBe(false);
    expect(channelChoice(executor)).toBeUndefined();
    expect(await leftovers(world)).toEqual(NOTHING_LEFT);
  });
});
