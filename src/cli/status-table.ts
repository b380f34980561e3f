/**
 * The text `tart-executor status` prints: a header an operator can read in one glance (who,
 * which version, taking work or not), the budget, the VMs and the recent jobs. Pure: the admin
 * API's answers and the time in, lines out.
 */
import type { AdminJob, ExecutorAdminStatus } from "../admin/admin-port.js";
import { formatAge, secondsSince } from "./status-age.js";
import { statusHeader, type RenderOptions } from "./status-header.js";
import { jobTone, painter, phaseTone, type Tone } from "./status-style.js";
import { textTable } from "./status-text-table.js";

export type { RenderOptions } from "./status-header.js";
export { renderRouterStatus } from "./status-router-table.js";

/** More than this many jobs would push the VMs off an ordinary terminal; --json has them all. */
const RECENT_JOBS = 10;

export function renderExecutorStatus(
  status: ExecutorAdminStatus,
  jobs: readonly AdminJob[],
  options: RenderOptions,
): string {
  const paint = painter(options.color);
  const state: [string, Tone] = status.draining
    ? ["draining", "yellow"]
    : status.accepting
      ? ["accepting", "green"]
      : ["not accepting", "yellow"];
  const budget = (used: number, limit: number | null, unit: string): string =>
    limit === null ? `${used} ${unit} in use (no budget)` : `${used} of ${limit} ${unit} in use`;
  const { slots, jobs: counts } = status;
  const lines = [
    statusHeader("tart-executor", status, state, options, paint),
    `slots   ${slots.used} of ${slots.limit} in use, ${slots.free} free`,
    `cpu     ${budget(status.cpu.used, status.cpu.limit, "cores")}`,
    `memory  ${budget(status.memoryMiB.used, status.memoryMiB.limit, "MiB")}`,
    `jobs    ${counts.queued} queued, ${counts.waiting} waiting, ${counts.inProgress} in progress, ${counts.givenUp} given up`,
    "",
  ];
  if (status.vms.length === 0) lines.push("no VMs");
  else
    lines.push(
      ...textTable(
        ["VM", "PHASE", "IMAGE", "AGE", "JOB"],
        status.vms.map((vm) => [
          vm.name,
          { text: vm.phase, tone: phaseTone(vm.phase) },
          vm.image,
          formatAge(vm.ageSeconds),
          // A warm pool VM waits for any matching job: say so instead of its pool key.
          vm.servingJob ?? (vm.forJob.startsWith("warm:") ? "warm, waiting for a job" : vm.forJob),
        ]),
        paint,
      ),
    );
  lines.push("", paint("RECENT JOBS", "bold"));
  if (jobs.length === 0) lines.push("no recent jobs");
  else
    lines.push(
      ...textTable(
        ["JOB", "NAME", "STATUS", "LAST STEP", "AGE"],
        jobs.slice(0, RECENT_JOBS).map((job) => jobRow(job, options.nowMs)),
        paint,
      ),
    );
  if (jobs.length > RECENT_JOBS)
    lines.push(paint(`… ${jobs.length - RECENT_JOBS} older jobs (--json lists all)`, "dim"));
  return `${lines.join("\n")}\n`;
}

function jobRow(job: AdminJob, nowMs: number) {
  const status =
    job.givenUp !== null
      ? "given up"
      : job.status === "completed"
        ? (job.conclusion ?? "completed")
        : job.status;
  const tone =
    job.status === "completed" && job.conclusion === "success"
      ? "green"
      : jobTone(job.status, job.givenUp !== null);
  const last = job.timeline.at(-1);
  const lastAge = last === undefined ? null : secondsSince(last.at, nowMs);
  const step =
    last === undefined
      ? "-"
      : `${last.step}${last.detail === undefined ? "" : `: ${last.detail}`}${lastAge === null ? "" : `, ${formatAge(lastAge)} ago`}`;
  const age = secondsSince(job.firstSeenAt, nowMs);
  return [job.key, job.name, { text: status, tone }, step, age === null ? "-" : formatAge(age)];
}
