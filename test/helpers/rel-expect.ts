/**
 * The endings every fault scenario asserts, as a user would notice them: the job served (the
 * fake GitHub says `success`), or cleanly given up (an error line naming the job's URL and a
 * reason, the cause in the VM's failure line, `tart_executor_jobs_total{outcome="given_up"}`),
 * and then no VM and no runner registration left.
 */
import { expect } from "vitest";
import type { JobHandle } from "../../src/sim/github/dispatcher.js";
import type { JobView } from "../../src/sim/github/job-view.js";
import type { LogLine } from "./executor-process.js";
import type { Tally } from "./rel-totals.js";
import type { RelWorld } from "./rel-world.js";

export const jobKeyOf = (job: { id: number; runAttempt?: number }): string =>
  `acme/app#${job.id}#${job.runAttempt ?? 1}`;

/** The job completes with `success` at the fake GitHub, on a runner of ours. */
export async function expectServed(
  world: RelWorld,
  tally: Tally,
  job: JobHandle,
  timeoutMs = 40_000,
  runnerName: RegExp = /^tart-executor-mini-\d+-[0-9a-z]{8}$/,
): Promise<JobView> {
  tally.job(job.id);
  let view: JobView;
  try {
    view = await world.served(job, timeoutMs);
  } catch (error) {
    throw new Error(`${String(error)}\nexecutor output:\n${world.executor.tail(60)}`, { cause: error });
  }
  expect(view.conclusion).toBe("success");
  expect(view.runner?.name).toMatch(runnerName);
  tally.served(job.id);
  return view;
}

export interface GivenUp {
  readonly line: LogLine;
  /** The executor's "vm failed" lines for this job (one per failed attempt). */
  readonly failures: readonly LogLine[];
}

/**
 * The executor gives the job up: an error line with the job's URL and a reason, at least one
 * "vm failed" error line for the job whose reason matches `cause`, and the given_up counter.
 */
export async function expectGivenUp(
  world: RelWorld,
  tally: Tally,
  job: JobHandle,
  cause: RegExp,
  options: { timeoutMs?: number; givenUpTotal?: number } = {},
): Promise<GivenUp> {
  tally.job(job.id);
  const line = await world.givenUp(job, options.timeoutMs ?? 40_000);
  expect(line.level).toBe("error");
  expect(String(line["url"])).toMatch(new RegExp(`/job/${job.id}$`));
  expect(String(line["reason"])).not.toBe("");
  const failures = world
    .allLogs()
    .filter((entry) => entry.msg === "vm failed" && entry["job"] === jobKeyOf(job));
  expect(failures.length, "one 'vm failed' line per failed attempt").toBeGreaterThan(0);
  for (const failure of failures) expect(failure.level).toBe("error");
  expect(
    failures.map((failure) => String(failure["reason"])),
    "the cause is in the failure lines",
  ).toContainEqual(expect.stringMatching(cause));
  expect(await world.metric("tart_executor_jobs_total", { outcome: "given_up" })).toBe(
    options.givenUpTotal ?? 1,
  );
  tally.givenUp(job.id);
  return { line, failures };
}

/** Zero VMs (`tart list`) and zero runner registrations (fake GitHub), within `timeoutMs`. */
export async function expectCleanEnd(world: RelWorld, tally: Tally, timeoutMs = 30_000): Promise<void> {
  const end = await world.cleanEnd(timeoutMs);
  tally.leaks(end);
  expect(end, "VMs and runner registrations left at the end").toEqual({ vms: [], runners: [] });
}

/** How many VMs the executor started (one per attempt), over all its processes. */
export function attempts(world: RelWorld): number {
  return world.allLogs().filter((line) => line.msg === "starting vm").length;
}

/** The executor's VM starts and ends, one line each, for assertion messages. */
export function vmStory(world: RelWorld): string {
  return world
    .allLogs()
    .filter((line) =>
      [
        "starting vm",
        "vm failed",
        "tearing down vm",
        "vm deleted",
        "runner took a job",
        "adopted vm whose runner is running a job",
        "recovered state from the previous run",
        "shutting down",
      ].includes(line.msg),
    )
    .map(
      (line) =>
        `${line.time ?? ""} ${line.msg} ${String(line["vm"] ?? "")} ${String(line["job"] ?? "")} ${String(line["reason"] ?? "")}`,
    )
    .join("\n");
}
