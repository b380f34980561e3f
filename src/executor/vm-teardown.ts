/**
 * Teardown always runs and removes both halves of a VM: the Tart VM and the runner registration.
 * Guest shutdown first (a clean power-off), then `tart stop` (a power cut), then kill; then
 * `tart delete`; then DELETE the runner, retrying while GitHub still calls it busy (422).
 * Every step is bounded: tart commands by their own timeouts, the GitHub part by what is left of
 * the teardown budget (at least GITHUB_MIN_BUDGET_MS, so slow tart steps cannot starve the runner's
 * removal), after which a registration left behind is the periodic sweep's to remove.
 */
import { abortable } from "../abortable.js";
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

/** The GitHub part of a teardown always gets at least this long, whatever the tart steps took. */
export const GITHUB_MIN_BUDGET_MS = 15_000;

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
  const githubBudgetMs = Math.max(remaining(deadline, clock), GITHUB_MIN_BUDGET_MS);
  const githubDeadline = clock.now() + githubBudgetMs;
  const budget = new AbortController();
  const budgetTimer = new AbortController();
  void clock
    .sleep(githubBudgetMs, budgetTimer.signal)
    .then(() =>
      budget.abort(
        new Error(
          `GitHub did not answer within the ${Math.round(githubBudgetMs / 1000)} s left of the teardown`,
        ),
      ),
    )
    .catch(() => undefined);
  try {
    await removeRegistration(target, deps.github, {
      clock,
      deadline: githubDeadline,
      signal: budget.signal,
      problems,
    });
  } finally {
    budgetTimer.abort();
  }
  return problems;
}

async function removeRegistration(
  target: TeardownTarget,
  github: Pick<GitHubClient, "deleteRunner" | "findRunnerByName">,
  budget: { clock: Clock; deadline: number; signal: AbortSignal; problems: string[] },
): Promise<void> {
  const { clock, deadline, signal, problems } = budget;
  const bounded = <T>(request: Promise<T>): Promise<T> => abortable(request, signal);
  let runnerId = target.runnerId;
  if (runnerId === null && target.findRunnerByName) {
    const found = await bounded(github.findRunnerByName(target.name, signal)).catch((error: unknown) => {
      problems.push(`${describe("find runner", error)}; the periodic sweep will remove it if it exists`);
      return null;
    });
    runnerId = found?.id ?? null;
  }
  if (runnerId !== null) {
    for (;;) {
      const result = await bounded(github.deleteRunner(runnerId, signal)).catch((error: unknown) =>
        describe(`delete runner ${runnerId}`, error),
      );
      if (result === "deleted" || result === "not-found") break;
      if (result !== "busy") {
        problems.push(`${result}; the periodic sweep will remove it`);
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
