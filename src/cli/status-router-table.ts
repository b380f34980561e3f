/** The text `tart-router status` prints: the queue, every executor with its health, the jobs. */
import type { RouterAdminStatus } from "../admin/admin-port.js";
import { formatAge, secondsSince } from "./status-age.js";
import { statusHeader, type RenderOptions } from "./status-header.js";
import { jobTone, painter, type Tone } from "./status-style.js";
import { textTable } from "./status-text-table.js";

export function renderRouterStatus(status: RouterAdminStatus, options: RenderOptions): string {
  const paint = painter(options.color);
  const state: [string, Tone] = status.accepting ? ["accepting", "green"] : ["draining", "yellow"];
  const queued = status.queueDepth === 1 ? "1 job waits" : `${status.queueDepth} jobs wait`;
  const lines = [
    statusHeader("tart-router", status, state, options, paint),
    `queue   ${queued} for a host with room`,
    "",
  ];
  lines.push(
    ...textTable(
      ["HOST", "HEALTH", "PRIORITY", "VMS", "FREE", "JOBS", "LAST SEEN", "URL"],
      status.hosts.map((host) => {
        const seen = secondsSince(host.lastSeen, options.nowMs);
        return [
          host.hostname,
          host.healthy ? { text: "healthy", tone: "green" } : { text: "unreachable", tone: "red" },
          String(host.priority),
          `${host.activeVirtualMachines}/${host.virtualMachineLimit}`,
          String(host.freeSlots),
          String(host.ownedJobs),
          seen === null ? "never" : `${formatAge(seen)} ago`,
          host.url,
        ];
      }),
      paint,
    ),
    "",
    paint("JOBS", "bold"),
  );
  if (status.jobs.length === 0) lines.push("no jobs");
  else
    lines.push(
      ...textTable(
        ["JOB", "STATUS", "HOST"],
        status.jobs.map((job) => [
          job.key,
          { text: job.status, tone: jobTone(job.status, false) },
          job.owner ?? "-",
        ]),
        paint,
      ),
    );
  return `${lines.join("\n")}\n`;
}
