/**
 * What every GitHubPort must do, as the VM's life relies on it: the same assertions against the
 * in-memory fake (test/unit/executor/fakes/fake-github.ts) and the real client against the fake
 * GitHub server (src/sim/github), so the two cannot drift.
 */
import { describe, expect, it } from "vitest";
import type { GitHubPort } from "../../src/executor/ports.js";

export interface GitHubPortSubject {
  readonly github: GitHubPort;
  /** Makes generate-jitconfig answer 404 from now on (GHES before 3.10). */
  readonly disableJit: () => void;
}

const jit = (name: string, runnerGroupId: number) => ({
  name,
  labels: ["self-hosted", "tartelet"],
  runnerGroupId,
  workFolder: "_work",
});

export function gitHubPortContract(label: string, subject: () => Promise<GitHubPortSubject>): void {
  describe(`GitHubPort contract: ${label}`, () => {
    it("the default runner group has an id; an unknown group is an error naming it", async () => {
      const { github } = await subject();
      expect(await github.runnerGroupId(null)).toBe(1);
      await expect(github.runnerGroupId("no-such-group")).rejects.toThrow(/no-such-group/);
    });

    it("a JIT registration: a runner under the name, found by name, deleted once, then not found", async () => {
      const { github } = await subject();
      const group = await github.runnerGroupId(null);
      const { runner, encodedJitConfig } = await github.generateJitConfig(jit("contract-vm-1", group));
      expect(runner.name).toBe("contract-vm-1");
      expect(encodedJitConfig.length).toBeGreaterThan(0);
      expect((await github.findRunnerByName("contract-vm-1"))?.id).toBe(runner.id);
      expect(await github.deleteRunner(runner.id)).toBe("deleted");
      expect(await github.deleteRunner(runner.id)).toBe("not-found");
      expect(await github.findRunnerByName("contract-vm-1")).toBeNull();
    });

    it("a name already taken (left over from a crash) is registered again, replacing the stale runner", async () => {
      const { github } = await subject();
      const group = await github.runnerGroupId(null);
      const first = await github.generateJitConfig(jit("contract-vm-2", group));
      const second = await github.generateJitConfig(jit("contract-vm-2", group));
      expect(second.runner.id).not.toBe(first.runner.id);
      expect((await github.findRunnerByName("contract-vm-2"))?.id).toBe(second.runner.id);
      expect(await github.deleteRunner(first.runner.id)).toBe("not-found");
      expect(await github.deleteRunner(second.runner.id)).toBe("deleted");
    });

    it("without a JIT endpoint: generate-jitconfig fails with status 404, a registration token still works", async () => {
      const { github, disableJit } = await subject();
      disableJit();
      const group = await github.runnerGroupId(null);
      const error: unknown = await github.generateJitConfig(jit("contract-vm-3", group)).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect((error as { status?: number } | null)?.status).toBe(404);
      const token = await github.createRegistrationToken();
      expect(token.token.length).toBeGreaterThan(0);
      expect(token.expiresAt).toBeGreaterThan(Date.now());
      expect(github.runnerUrl).toMatch(/\/acme$/);
    });

    it("an aborted signal ends a request", async () => {
      const { github } = await subject();
      await expect(github.findRunnerByName("contract-vm-4", AbortSignal.abort())).rejects.toThrow();
    });
  });
}
