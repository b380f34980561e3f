/**
 * Teardown always runs and removes both halves of a VM: the Tart VM and the runner registration.
 * Guest shutdown first (a clean power-off), then `tart stop` (a power cut), then kill; then
 * `tart delete`; then DELETE the runner, retrying while GitHub still calls it busy (422).
 */
import type { Clock } from "../clock.js";
import type { GitHubClient } from "../github/github-client.js";
import { shutdownCommand } from "../guest/runner-commands.js";
import { TartError } from "../tart/tart-error.js";
import type { Tart, TartRun } from "../tart/tart.js";
import type { GuestSessionPort } from "./guest-port.js";

export interface TeardownTarget {
  readonly name: string;
  readonly run: TartRun | null;
  readonly session: GuestSessionPort | null;
  readonly runnerId: number | null;
  /** True when a registration may exist whose id we never learned (registration-token runners). */
  readonly findRunnerByName: boolean;
}

export async function teardownVm(
  target: TeardownTarget,
  deps: {
    tart: Pick<Tart, "stop" | "delete">;
    github: Pick<GitHubClient, "deleteRunner" | "findRunnerByName">;
    clock: Clock;
    budgetMs: number;
  },
): Promise<string[]> {
  const problems: string[] = [];
  const { clock } = deps;
  const deadline = clock.now() + deps.budgetMs;
  const running = target.run !== null && !(await settledWithin(target.run.exited, clock, 0));
  if (running && target.run !== null) {
    if (target.session !== null) {
      await target.session.exec(shutdownCommand(), { timeoutMs: 5_000 }).catch(() => undefined);
      await settledWithin(target.run.exited, clock, Math.min(15_000, remaining(deadline, clock)));
    }
    if (!(await settledWithin(target.run.exited, clock, 0))) {
      await deps.tart.stop(target.name, { timeoutSeconds: 10 }).catch((error: unknown) => {
        if (!(error instanceof TartError && error.isMissingOrStopped))
          problems.push(describe("tart stop", error));
      });
      if (!(await settledWithin(target.run.exited, clock, Math.min(15_000, remaining(deadline, clock))))) {
        target.run.kill();
        await settledWithin(target.run.exited, clock, 5_000);
      }
    }
  } else if (target.run === null) {
    await deps.tart.stop(target.name, { timeoutSeconds: 10 }).catch(() => undefined);
  }
  await target.session?.close().catch(() => undefined);
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    try {
      await deps.tart.delete(target.name);
      break;
    } catch (error) {
      if (error instanceof TartError && error.exitCode === 2) break; // already gone
      if (attempt === 3) problems.push(describe("tart delete", error));
      else await clock.sleep(1000);
    }
  }
  let runnerId = target.runnerId;
  if (runnerId === null && target.findRunnerByName) {
    runnerId = (await deps.github.findRunnerByName(target.name).catch(() => null))?.id ?? null;
  }
  if (runnerId !== null) {
    for (;;) {
      const result = await deps.github
        .deleteRunner(runnerId)
        .catch((error: unknown) => describe("delete runner", error));
      if (result === "deleted" || result === "not-found") break;
      if (result !== "busy") {
        problems.push(result);
        break;
      }
      if (remaining(deadline, clock) < 5_000) {
        problems.push(
          `runner ${runnerId} still busy at GitHub after teardown; the periodic sweep will remove it`,
        );
        break;
      }
      await clock.sleep(5_000);
    }
  }
  return problems;
}

function remaining(deadline: number, clock: Clock): number {
  return Math.max(0, deadline - clock.now());
}

/** Whether the promise settles within `ms` (0: already settled). */
async function settledWithin(promise: Promise<unknown>, clock: Clock, ms: number): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await Promise.resolve();
  await Promise.resolve();
  if (settled || ms <= 0) return settled;
  const stop = new AbortController();
  await Promise.race([promise.catch(() => undefined), clock.sleep(ms, stop.signal).catch(() => undefined)]);
  stop.abort();
  return settled;
}

function describe(step: string, error: unknown): string {
  return `${step} failed: ${error instanceof Error ? error.message : String(error)}`;
}
