import { describe, expect, it } from "vitest";
import type { Clock } from "../../../src/clock.js";
import { teardownVm, type TeardownTarget } from "../../../src/executor/vm-teardown.js";

/** Time running 200× faster than real time, so a 120 s budget takes 0.6 s. */
function fastClock(speed = 200): Clock {
  const origin = Date.now();
  return {
    now: () => origin + (Date.now() - origin) * speed,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, ms / speed);
        signal?.addEventListener(
          "abort",
          () => {
            clearTimeout(timer);
            reject(signal.reason as Error);
          },
          { once: true },
        );
      }),
  };
}

const tart = { stop: () => Promise.resolve(), delete: () => Promise.resolve() };
const target: TeardownTarget = {
  name: "tart-executor-mini-1-aaaaaaaa",
  run: null,
  session: null,
  runnerId: 42,
  findRunnerByName: false,
};

/** A GitHub request that never answers unless its signal ends it. */
function hanging(signal: AbortSignal | undefined, seen: AbortSignal[]): Promise<never> {
  if (signal !== undefined) seen.push(signal);
  return new Promise<never>(() => undefined);
}

describe("teardownVm", () => {
  it("ends a runner DELETE GitHub never answers when the teardown budget runs out, and says so", async () => {
    const signals: AbortSignal[] = [];
    const clock = fastClock();
    const started = clock.now();
    const problems = await teardownVm(target, {
      tart,
      github: {
        deleteRunner: (_id, signal) => hanging(signal, signals),
        findRunnerByName: () => Promise.resolve(null),
      },
      clock,
      budgetMs: 120_000,
    });
    const took = clock.now() - started;
    expect(took).toBeGreaterThanOrEqual(119_000);
    expect(took).toBeLessThan(140_000);
    expect(problems).toEqual([
      expect.stringMatching(/delete runner 42 failed: GitHub did not answer .*sweep/),
    ]);
    // The request itself is cancelled too, not just no longer awaited.
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
  });

  it("gives the runner's removal a minimum budget even when the tart steps used all of it", async () => {
    const clock = fastClock();
    let deleted = false;
    const problems = await teardownVm(target, {
      tart: {
        stop: () => Promise.resolve(),
        delete: () => clock.sleep(200_000), // longer than the whole budget
      },
      github: {
        deleteRunner: async () => {
          await clock.sleep(5_000);
          deleted = true;
          return "deleted";
        },
        findRunnerByName: () => Promise.resolve(null),
      },
      clock,
      budgetMs: 120_000,
    });
    expect(problems).toEqual([]);
    expect(deleted).toBe(true);
  });

  it("bounds the lookup of a registration whose id it never learned", async () => {
    const signals: AbortSignal[] = [];
    const clock = fastClock();
    const problems = await teardownVm(
      { ...target, runnerId: null, findRunnerByName: true },
      {
        tart,
        github: {
          deleteRunner: () => Promise.resolve("deleted"),
          findRunnerByName: (_name, signal) => hanging(signal, signals),
        },
        clock,
        budgetMs: 30_000,
      },
    );
    expect(problems).toEqual([expect.stringMatching(/find runner failed: GitHub did not answer/)]);
    expect(signals[0]?.aborted).toBe(true);
  });

  it("keeps retrying a busy (422) runner until the budget is nearly spent, then leaves it to the sweep", async () => {
    const clock = fastClock();
    let calls = 0;
    const problems = await teardownVm(target, {
      tart,
      github: {
        deleteRunner: () => {
          calls += 1;
          return Promise.resolve("busy");
        },
        findRunnerByName: () => Promise.resolve(null),
      },
      clock,
      budgetMs: 60_000,
    });
    expect(calls).toBeGreaterThanOrEqual(10);
    expect(problems).toEqual([expect.stringMatching(/runner 42 still busy .*sweep/)]);
  });
});
