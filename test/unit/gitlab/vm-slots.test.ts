import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { VmSlots } from "../../../src/gitlab/vm-slots.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function slots(options: {
  running: string[];
  alive: (pid: number) => boolean;
  pid: number;
  dir: string;
}): VmSlots {
  return new VmSlots(options.dir, {
    clock: {
      now: () => Date.now(),
      sleep: (ms, signal) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, ms);
          signal?.addEventListener(
            "abort",
            () => {
              clearTimeout(timer);
              reject(new Error("aborted"));
            },
            { once: true },
          );
        }),
    },
    listVms: () => Promise.resolve(options.running.map((name) => ({ name, running: true }))),
    isProcessAlive: options.alive,
    pid: options.pid,
  });
}

describe("VM slots across drivers", () => {
  it("grants two slots, makes a third wait until one is released", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "slots-"));
    dirs.push(dir);
    const running: string[] = [];
    const alive = (): boolean => true;
    await slots({ running, alive, pid: 1, dir }).acquire("vm-a", { pollMs: 10 });
    await slots({ running, alive, pid: 2, dir }).acquire("vm-b", { pollMs: 10 });
    let waited = 0;
    let granted = false;
    const third = slots({ running, alive, pid: 3, dir })
      .acquire("vm-c", { pollMs: 10, onWait: (busy) => (waited = busy) })
      .then(() => (granted = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect([waited, granted]).toEqual([2, false]);
    slots({ running, alive, pid: 9, dir }).release("vm-a");
    await third;
    expect(slots({ running, alive, pid: 9, dir }).reservations().sort()).toEqual(["vm-b", "vm-c"]);
  });

  it("counts VMs other programs run, and drops reservations of dead drivers whose VM is gone", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "slots-"));
    dirs.push(dir);
    await slots({ running: [], alive: () => true, pid: 41, dir }).acquire("gitlab-dead", { pollMs: 10 });
    // One VM of the executor daemon runs; the dead driver's reservation is reclaimed.
    const controller = new AbortController();
    await slots({
      running: ["tart-executor-mini-1-abcdefgh"],
      alive: (pid) => pid !== 41,
      pid: 42,
      dir,
    }).acquire("vm-new", {
      pollMs: 10,
      signal: controller.signal,
    });
    expect(slots({ running: [], alive: () => true, pid: 1, dir }).reservations()).toEqual(["vm-new"]);
  });

  it("stops waiting when cancelled (GitLab Runner's SIGTERM)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "slots-"));
    dirs.push(dir);
    const controller = new AbortController();
    const waiting = slots({ running: ["x", "y"], alive: () => true, pid: 1, dir }).acquire("vm-z", {
      pollMs: 10,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error("SIGTERM received")), 50);
    await expect(waiting).rejects.toThrow();
    expect(slots({ running: [], alive: () => true, pid: 1, dir }).reservations()).toEqual([]);
  });
});
