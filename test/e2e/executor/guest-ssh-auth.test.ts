/**
 * macOS's sshd can reject logins for a while after boot, before directory services are up
 * (gitlab-tart-executor retries every error until its deadline). The executor keeps retrying,
 * with a growing pause, until timeouts.boot; here the simulated sshd rejects the right password
 * for its first seconds and the job is still served on the SSH channel.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import {
  clonedVms,
  IMAGE_WITH_RUNNER,
  leftovers,
  useE2eWorld,
  waitForVmsDeleted,
} from "../../helpers/e2e-world.js";

vi.setConfig({ testTimeout: 150_000, hookTimeout: 90_000 });

describe("sshd refusing authentication early in boot", () => {
  it("is retried until it accepts, and the job is served", async (context) => {
    const world = await useE2eWorld(context, { sim: { faults: { sshAuthEarly: { forMs: 4_000 } } } });
    const executor = await world.startExecutor({ tart: { guestChannel: "ssh" }, timeouts: { boot: 60 } });
    const view = await world.queue(["tartelet", IMAGE_WITH_RUNNER]).settled(120_000);
    expect(view.conclusion).toBe("success");
    await waitForVmsDeleted(executor, 1);
    expect(executor.logs().filter((line) => line.msg === "vm failed")).toEqual([]);
    const [vm = ""] = clonedVms(world);
    // The guest did refuse the first logins (the simulated sshd logs each refusal into the VM's log).
    const vmLog = path.join(world.stateDir, "vm-logs", `${vm}.log`);
    expect(existsSync(vmLog)).toBe(true);
    expect(readFileSync(vmLog, "utf8")).toContain("refusing authentication early in boot");
    expect(await leftovers(world)).toEqual({ vms: [], runners: [] });
  });
});
