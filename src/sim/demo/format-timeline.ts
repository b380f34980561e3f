/** Text for the demo: one line per job with its steps at seconds since the demo started. */
import type { JobTimeline } from "../../executor/job-timelines.js";

export function formatTimeline(title: string, timeline: JobTimeline | null, startedAt: number): string {
  if (timeline === null) return `  ${title}\n      (never reached the executor's ledger)`;
  const steps = timeline.steps.map((step) => {
    const seconds = ((step.at - startedAt) / 1000).toFixed(1).padStart(5);
    return `${seconds}s ${step.step}${step.detail === undefined ? "" : ` (${step.detail})`}`;
  });
  return [`  ${title}`, ...steps.map((step) => `      ${step}`)].join("\n");
}
