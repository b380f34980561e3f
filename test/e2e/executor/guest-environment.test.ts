/**
 * The runner's environment on a macOS guest as it really is: a command sent over SSH or through
 * the guest agent gets a bare PATH and no LANG, and Homebrew's PATH and LANG=en_US.UTF-8 come only
 * from ~/.zprofile (macos-guest.md). The simulated job's steps run `brew`, `node` and `pod install`
 * with the runner's environment, as the real runner's do, so the job succeeds only when the
 * runner was started in the login environment: on both channels.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { simImageSchema } from "../../../src/sim/sim-config.js";
import {
  clonedVms,
  IMAGE_WITH_RUNNER,
  leftovers,
  useE2eWorld,
  waitForVmsDeleted,
} from "../../helpers/e2e-world.js";

vi.setConfig({ maxConcurrency: 2, testTimeout: 150_000, hookTimeout: 90_000 });

const NOTHING_LEFT = { vms: [], runners: [] };
/** An image whose user has no Homebrew and no ~/.zprofile: the steps cannot find brew. */
const IMAGE_WITHOUT_HOMEBREW = "ghcr.io/cirruslabs/macos-sequoia-nobrew:latest";

describe.concurrent("a job whose steps need Homebrew's PATH and a UTF-8 locale", () => {
  for (const channel of ["agent", "ssh"] as const)
    it(`succeeds on the ${channel} channel (with a runner.environment set as well)`, async (context) => {
      const world = await useE2eWorld(context);
      const executor = await world.startExecutor({
        tart: { guestChannel: channel },
        runner: { labels: "tartelet", environment: { TART_E2E_MARKER: "it's set" } },
      });
      const view = await world.queue(["tartelet", IMAGE_WITH_RUNNER]).settled(120_000);
      expect(view.conclusion).toBe("success");
      await waitForVmsDeleted(executor, 1);
      expect(executor.logs().filter((line) => line.msg === "vm failed")).toEqual([]);
      const [vm = ""] = clonedVms(world);
      expect(readFileSync(path.join(world.stateDir, "vm-logs", `${vm}.log`), "utf8")).toMatch(
        /runner\| .*completed with result: Succeeded/,
      );
      // The guest powered off through the channel (sudo /sbin/shutdown: the agent's PATH has no /sbin): no tart stop.
      expect(
        world.commands().filter((command) => command.argv[0] === "stop" && command.argv[1] === vm),
      ).toEqual([]);
      expect(await leftovers(world)).toEqual(NOTHING_LEFT);
    });

  it("fails (and says so at GitHub) on an image without Homebrew: the steps really need it", async (context) => {
    const world = await useE2eWorld(context, {
      sim: {
        images: { [IMAGE_WITHOUT_HOMEBREW]: simImageSchema.parse({ hasRunner: true, hasHomebrew: false }) },
      },
    });
    const executor = await world.startExecutor();
    const view = await world.queue(["tartelet", IMAGE_WITHOUT_HOMEBREW]).settled(120_000);
    expect(view.conclusion).toBe("failure");
    await waitForVmsDeleted(executor, 1);
    expect(await leftovers(world)).toEqual(NOTHING_LEFT);
  });
});
