/**
 * What every GuestPort must do, as the VM's life relies on it: the same assertions against the
 * in-memory fake (test/unit/executor/fakes/fake-guest.ts over FakeTart) and the real SSH guest
 * (src/guest/ssh-guest.ts) over a simulated VM of sim-bin/tart, so the two cannot drift.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { GuestPort, TartPort } from "../../src/executor/ports.js";
import { GUEST_PATHS } from "../../src/executor/vm-machine/vm-steps.js";
import { checkRunnerCommand, shutdownCommand } from "../../src/guest/runner-commands.js";

export interface GuestPortSubject {
  readonly tart: TartPort;
  readonly guest: GuestPort;
  /** A registry image with the runner baked in. */
  readonly image: string;
}

const logDir = mkdtempSync(path.join(tmpdir(), "guest-port-contract-"));

export function guestPortContract(label: string, subject: () => GuestPortSubject): void {
  describe(`GuestPort contract: ${label}`, () => {
    it("connects to a running VM's guest, runs commands there, and the guest's shutdown stops the VM", async () => {
      const { tart, guest, image } = subject();
      const vm = `contract-guest-${Math.random().toString(36).slice(2, 8)}`;
      await tart.clone(image, vm, { insecure: false });
      const run = tart.run(vm, { noGraphics: true, logFile: path.join(logDir, `${vm}.log`) });
      const host = await tart.ip(vm, { waitSeconds: 20 });
      const signal = new AbortController().signal;
      const session = await guest.connect({ vm, host, deadline: Date.now() + 20_000, signal });
      const check = await session.exec(checkRunnerCommand(GUEST_PATHS.runnerDir), { timeoutMs: 10_000 });
      expect(check.exitCode).toBe(0);
      expect(check.stdout.trim()).toBe("present");
      await session.exec(shutdownCommand(), { timeoutMs: 10_000 }).catch(() => undefined);
      expect((await run.exited).exitCode).toBe(0);
      await expect(
        session.exec(checkRunnerCommand(GUEST_PATHS.runnerDir), { timeoutMs: 5_000 }),
      ).rejects.toThrow();
      await session.close();
      await tart.delete(vm);
    });

    it("a VM that is not running: the connection fails by its deadline", async () => {
      const { tart, guest, image } = subject();
      const vm = `contract-guest-${Math.random().toString(36).slice(2, 8)}`;
      await tart.clone(image, vm, { insecure: false });
      const run = tart.run(vm, { noGraphics: true, logFile: path.join(logDir, `${vm}.log`) });
      const host = await tart.ip(vm, { waitSeconds: 20 });
      run.kill();
      await run.exited;
      const signal = new AbortController().signal;
      await expect(guest.connect({ vm, host, deadline: Date.now() + 1_500, signal })).rejects.toThrow();
      await tart.delete(vm);
    });

    it("an aborted signal ends the connection attempt", async () => {
      const { guest } = subject();
      await expect(
        guest.connect({
          vm: "contract-none",
          host: "127.0.0.1",
          deadline: Date.now() + 10_000,
          signal: AbortSignal.abort(),
        }),
      ).rejects.toThrow();
    });
  });
}
