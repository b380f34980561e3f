/**
 * `npm run demo:gitlab`: GitLab jobs end to end on the simulated Mac, through the GitLab Runner
 * stand-in and the built driver: a passing job, a failing job (build failure with its exit
 * code), a job whose VM never comes up (system failure, prepare retried 3 times), and three
 * concurrent jobs of which the third waits for one of tart's two VM slots. Exits 1 when any job
 * ends otherwise, or when a VM, slot or job directory is left behind.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { IMAGE_WITH_RUNNER } from "../world/sim-world.js";
import { startGitlabSimWorld } from "./gitlab-sim-world.js";
import type { SimGitlabJob, SimGitlabJobResult } from "./run-custom-job.js";

const problems: string[] = [];
function expect(what: string, ok: boolean, detail: string): void {
  process.stdout.write(`${ok ? "ok  " : "FAIL"} ${what}${detail ? ` (${detail})` : ""}\n`);
  if (!ok) problems.push(what);
}

function job(id: number, script: readonly string[], extra: Partial<SimGitlabJob> = {}): SimGitlabJob {
  return { id, image: IMAGE_WITH_RUNNER, projectPath: "acme/app", script, ...extra };
}

function summary(result: SimGitlabJobResult): string {
  return `${result.status}${result.failureReason ? ` ${result.failureReason}` : ""}${result.exitCode === undefined ? "" : ` exit ${result.exitCode}`}, prepare attempts ${result.prepareAttempts}`;
}

const world = await startGitlabSimWorld();
try {
  process.stdout.write(`GitLab demo: simulated Mac in ${world.sim.root}\n\n`);
  const passing = await world.runJob(job(201, ["echo building in $CI_PROJECT_DIR", "test -f .sim-checkout"]));
  expect(
    "a passing job succeeds",
    passing.status === "success" && passing.log.includes("building in"),
    summary(passing),
  );

  const failing = await world.runJob(job(202, ["echo about to fail", "exit 3"]));
  expect(
    "a failing job is a script failure with the script's exit code",
    failing.failureReason === "script_failure" && failing.exitCode === 3 && failing.prepareAttempts === 1,
    summary(failing),
  );

  world.sim.updateSim({ faults: { runCrash: { match: "-203-" } } });
  const broken = await world.runJob(job(203, ["echo never runs"]), undefined);
  world.sim.updateSim({ faults: {} });
  expect(
    "a VM that never comes up is a system failure, retried 3 times",
    broken.failureReason === "runner_system_failure" &&
      broken.prepareAttempts === 3 &&
      !broken.log.includes("never runs"),
    summary(broken),
  );

  const concurrent = await Promise.all(
    [204, 205, 206].map((id, index) =>
      world.runJob(job(id, ["echo job $CI_JOB_ID in a VM", "sleep 4"], { concurrentId: index })),
    ),
  );
  expect(
    "three concurrent jobs all succeed",
    concurrent.every((result) => result.status === "success"),
    concurrent.map(summary).join("; "),
  );
  expect(
    "the third job waited for a VM slot",
    concurrent.filter((result) => result.log.includes("Waiting for a free VM slot")).length >= 1,
    "",
  );

  const leftVms = world.vmNames();
  const slotDir = path.join(world.stateDir, "slots");
  const jobsDir = path.join(world.stateDir, "jobs");
  const leftSlots = existsSync(slotDir) ? readdirSync(slotDir) : [];
  const leftJobs = existsSync(jobsDir) ? readdirSync(jobsDir) : [];
  expect(
    "nothing left behind",
    leftVms.length + leftSlots.length + leftJobs.length === 0,
    [...leftVms, ...leftSlots, ...leftJobs].join(", "),
  );
  process.stdout.write(`\nJob log of the passing job:\n${passing.log.replace(/^/gm, "  | ")}\n`);
} finally {
  await world.close();
}
if (problems.length > 0) {
  process.stderr.write(`GitLab demo FAILED: ${problems.join("; ")}\n`);
  process.exitCode = 1;
} else {
  process.stdout.write("GitLab demo passed.\n");
}
