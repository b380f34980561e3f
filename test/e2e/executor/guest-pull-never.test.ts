/**
 * tart.pullPolicy never with an untagged image reference: tart caches (and lists) an untagged
 * pull as `:latest` (RemoteName.swift, VMStorageOCI.swift), so the executor looks the reference up
 * as tart names it and serves the job from the cache, without pulling.
 */
import { describe, expect, it, vi } from "vitest";
import {
  clonedVms,
  IMAGE_WITH_RUNNER,
  leftovers,
  useE2eWorld,
  waitForVmsDeleted,
} from "../../helpers/e2e-world.js";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 90_000 });

const UNTAGGED = IMAGE_WITH_RUNNER.replace(/:latest$/, "");

describe("pull policy never", () => {
  it("serves a job for an untagged reference from the cache (tart's :latest), without pulling", async (context) => {
    expect(UNTAGGED).not.toContain(":");
    const world = await useE2eWorld(context);
    await world.prePull(IMAGE_WITH_RUNNER);
    const executor = await world.startExecutor({ tart: { pullPolicy: "never" } });
    const view = await world.queue(["tartelet", UNTAGGED]).settled(90_000);
    expect(view.conclusion).toBe("success");
    await waitForVmsDeleted(executor, 1);
    const [vm] = clonedVms(world);
    expect(world.commands().find((command) => command.argv[0] === "clone")?.argv).toEqual([
      "clone",
      UNTAGGED,
      vm,
    ]);
    expect(world.commands().some((command) => command.argv[0] === "pull")).toBe(false);
    expect(executor.logs().filter((line) => line.msg === "vm failed")).toEqual([]);
    expect(await leftovers(world)).toEqual({ vms: [], runners: [] });
  });
});
