/**
 * What every TartPort must do, as the VM's life relies on it: the same assertions run against the
 * in-memory fake (test/unit/executor/fakes/fake-tart.ts) and the real adapter over the simulated
 * tart (sim-bin/tart), so the two cannot drift.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { TartPort } from "../../src/executor/ports.js";
import { TartError } from "../../src/tart/tart-error.js";

export interface TartPortSubject {
  readonly tart: TartPort;
  /** A registry image that exists. */
  readonly image: string;
}

const logDir = mkdtempSync(path.join(tmpdir(), "tart-port-contract-"));
const logFile = (name: string): string =>
  path.join(logDir, `${name}-${Math.random().toString(36).slice(2)}.log`);

async function failure(promise: Promise<unknown>): Promise<TartError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof TartError)) throw new Error(`expected a TartError, got ${String(error)}`);
  return error;
}

const stateOf = async (tart: TartPort, name: string) =>
  (await tart.listLocal()).find((vm) => vm.name === name)?.state;

export function tartPortContract(label: string, subject: () => TartPortSubject): void {
  describe(`TartPort contract: ${label}`, () => {
    it("a missing VM: set, stop and delete fail with exit 2 (missing or stopped)", async () => {
      const { tart } = subject();
      for (const attempt of [
        () => tart.set("contract-missing", { cpu: 2 }),
        () => tart.stop("contract-missing", { timeoutSeconds: 1 }),
        () => tart.delete("contract-missing"),
      ]) {
        const error = await failure(attempt());
        expect(error.exitCode).toBe(2);
        expect(error.isMissingOrStopped).toBe(true);
        expect(error.firstLine).toMatch(/does not exist/);
      }
    });

    it("an image the registry does not have: pull and clone fail with exit 1", async () => {
      const { tart } = subject();
      for (const attempt of [
        () => tart.pull("ghcr.io/nobody/nothing:1", { insecure: false }),
        () => tart.clone("ghcr.io/nobody/nothing:1", "contract-x", { insecure: false }),
      ]) {
        const error = await failure(attempt());
        expect(error.code).toBe("TART_COMMAND_FAILED");
        expect(error.exitCode).toBe(1);
        expect(error.isMissingOrStopped).toBe(false);
      }
      expect((await tart.listLocal()).map((vm) => vm.name)).not.toContain("contract-x");
    });

    it("clone caches a registry image and makes a stopped VM; a local VM clones too", async () => {
      const { tart, image } = subject();
      await tart.clone(image, "contract-a", { insecure: false });
      expect(await tart.listOci()).toContain(image);
      expect(await stateOf(tart, "contract-a")).toBe("stopped");
      await tart.set("contract-a", { cpu: 4, memoryMiB: 8192, randomMac: true });
      await tart.clone("contract-a", "contract-b", { insecure: false });
      expect(await stateOf(tart, "contract-b")).toBe("stopped");
      await tart.delete("contract-b");
      await tart.delete("contract-a");
      expect((await tart.listLocal()).map((vm) => vm.name)).not.toContain("contract-a");
    });

    it("a stopped VM: no address, and stop fails with exit 2", async () => {
      const { tart, image } = subject();
      await tart.clone(image, "contract-c", { insecure: false });
      const ip = await failure(tart.ip("contract-c", { waitSeconds: 1 }));
      expect(ip.exitCode).toBe(1);
      const stop = await failure(tart.stop("contract-c", { timeoutSeconds: 1 }));
      expect(stop.isMissingOrStopped).toBe(true);
      await tart.delete("contract-c");
    });

    it("run: the VM gets an address and runs; a second run exits 2; stop makes run exit 0 and logs it", async () => {
      const { tart, image } = subject();
      await tart.clone(image, "contract-d", { insecure: false });
      const log = logFile("contract-d");
      const run = tart.run("contract-d", { noGraphics: true, logFile: log });
      expect(await tart.ip("contract-d", { waitSeconds: 20 })).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(await stateOf(tart, "contract-d")).toBe("running");
      const again = tart.run("contract-d", { noGraphics: true, logFile: logFile("contract-d2") });
      expect((await again.exited).exitCode).toBe(2);
      const busy = await failure(tart.delete("contract-d"));
      expect(busy.exitCode).toBe(1);
      await tart.stop("contract-d", { timeoutSeconds: 5 });
      expect(await run.exited).toEqual({ exitCode: 0, signal: null });
      expect(readFileSync(log, "utf8")).toContain("Stopping VM...");
      expect(await stateOf(tart, "contract-d")).toBe("stopped");
      await tart.delete("contract-d");
    });

    it("run of a VM that does not exist exits 1", async () => {
      const { tart } = subject();
      const run = tart.run("contract-missing", { noGraphics: true, logFile: logFile("contract-missing") });
      expect((await run.exited).exitCode).toBe(1);
    });

    it("kill ends `tart run` by signal", async () => {
      const { tart, image } = subject();
      await tart.clone(image, "contract-e", { insecure: false });
      const run = tart.run("contract-e", { noGraphics: true, logFile: logFile("contract-e") });
      await tart.ip("contract-e", { waitSeconds: 20 });
      run.kill();
      expect(await run.exited).toEqual({ exitCode: null, signal: "SIGKILL" });
    });

    it("macOS's limit: a third running VM is refused with tart's words in its log", async () => {
      const { tart, image } = subject();
      const runs = [];
      for (const name of ["contract-f1", "contract-f2", "contract-f3"]) {
        await tart.clone(image, name, { insecure: false });
        const log = logFile(name);
        runs.push({ name, log, run: tart.run(name, { noGraphics: true, logFile: log }) });
        if (name !== "contract-f3") await tart.ip(name, { waitSeconds: 20 });
      }
      const third = runs[2];
      expect((await third?.run.exited)?.exitCode).not.toBe(0);
      expect(readFileSync(third?.log ?? "", "utf8")).toMatch(/exceeds the system limit/);
      for (const { name, run } of runs.slice(0, 2)) {
        await tart.stop(name, { timeoutSeconds: 5 });
        await run.exited;
      }
      for (const { name } of runs) await tart.delete(name);
    });

    it("a chosen MAC address is what the VM's configuration then holds", async () => {
      const { tart, image } = subject();
      await tart.clone(image, "contract-mac", { insecure: false });
      await tart.setMacAddress("contract-mac", "7e:54:00:00:00:02");
      expect((await tart.macAddresses()).get("contract-mac")).toBe("7e:54:00:00:00:02");
      await tart.delete("contract-mac");
    });

    it("exec in a stopped VM: tart cannot reach a guest agent (exit 2, not running)", async () => {
      const { tart, image } = subject();
      await tart.clone(image, "contract-exec", { insecure: false });
      const result = await tart.exec("contract-exec", ["true"]);
      expect(result.agentUnreachable).toBe(true);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(/is not running/);
      await tart.delete("contract-exec");
    });

    it("an aborted signal cancels a command", async () => {
      const { tart, image } = subject();
      const error = await failure(
        tart.clone(image, "contract-g", { insecure: false, signal: AbortSignal.abort() }),
      );
      expect(error.code).toBe("TART_CANCELLED");
    });
  });
}
