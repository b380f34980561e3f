/**
 * tart.guestChannel on an image without the Tart Guest Agent (as cirruslabs' vanilla images are):
 * `auto` falls back to SSH and says why; `agent` pinned fails at the boot deadline naming the agent.
 */
import { describe, expect, it, vi } from "vitest";
import { simImageSchema } from "../../../src/sim/sim-config.js";
import type { SimWorldOptions } from "../../../src/sim/world/sim-world.js";
import { clonedVms, leftovers, useE2eWorld, waitForVmsDeleted } from "../../helpers/e2e-world.js";
import type { ExecutorProcess, LogLine } from "../../helpers/executor-process.js";

vi.setConfig({ maxConcurrency: 2, testTimeout: 120_000, hookTimeout: 90_000 });

/** A cirruslabs-like image without the Tart Guest Agent (as the vanilla images are), runner included. */
const IMAGE_WITHOUT_AGENT = "ghcr.io/cirruslabs/macos-sequoia-noagent:latest";
const NOTHING_LEFT = { vms: [], runners: [] };

function simWithNoAgentImage(): SimWorldOptions {
  return {
    sim: { images: { [IMAGE_WITHOUT_AGENT]: simImageSchema.parse({ hasRunner: true, hasAgent: false }) } },
  };
}

function channelChoice(executor: ExecutorProcess): LogLine | undefined {
  return executor.logs().find((line) => line.msg === "guest channel chosen");
}

describe.concurrent("guest channels on an image without the agent", () => {
  it("auto: an image without the agent falls back to SSH and serves the job", async (context) => {
    const world = await useE2eWorld(context, simWithNoAgentImage());
    const executor = await world.startExecutor();
    const view = await world.queue(["tartelet", IMAGE_WITHOUT_AGENT]).settled(90_000);
    expect(view.conclusion).toBe("success");
    await waitForVmsDeleted(executor, 1);
    const [vm = ""] = clonedVms(world);
    const choice = channelChoice(executor);
    expect(choice).toMatchObject({ vm, channel: "ssh" });
    expect(String(choice?.["reason"])).toMatch(/agent did not answer/);
    // The probes failed as tart's own does without an agent; no guest step went through tart exec.
    const probes = world
      .commands()
      .filter((command) => command.argv[0] === "exec" && command.argv.includes(vm));
    expect(probes.length).toBeGreaterThan(0);
    for (const probe of probes) expect(probe.argv).toEqual(["exec", vm, "true"]);
    expect(probes.every((probe) => probe.exitCode !== 0)).toBe(true);
    expect(await leftovers(world)).toEqual(NOTHING_LEFT);
  });

  it("agent pinned on an image without it: the VM fails at the boot deadline, naming the agent, and nothing is left", async (context) => {
    const world = await useE2eWorld(context, simWithNoAgentImage());
    const executor = await world.startExecutor({
      tart: { guestChannel: "agent" },
      timeouts: { boot: 6 },
      retries: { maxAttempts: 1, backoffSeconds: 0 },
    });
    const job = world.queue(["tartelet", IMAGE_WITHOUT_AGENT]);
    const failure = await executor.waitForLog((line) => line.msg === "vm failed", 60_000);
    expect(String(failure["reason"])).toMatch(
      /^the guest agent of tart-executor-\S+ did not answer before the boot deadline \(\d+ attempts\): Failed to connect to the VM using its control socket/,
    );
    await executor.waitForLog((line) => line.msg === "giving up on job", 30_000);
    await waitForVmsDeleted(executor, 1);
    // The SSH channel was never tried.
    expect(world.commands().some((command) => command.argv[0] === "ip")).toBe(false);
    world.github.dispatcher.cancelJob(job.id);
    expect(await leftovers(world)).toEqual(NOTHING_LEFT);
  });
});
