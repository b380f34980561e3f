/**
 * The executor's Prometheus metrics on a private registry (never prom-client's global one, so
 * tests and the router can hold several). Gauge names are the original tart-executor's
 * (original-tart-executor.md §6), so existing dashboards keep working; every series carries
 * `hostname`, which also keeps executors apart when the router concatenates their output.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import {
  GITHUB_REQUEST_OUTCOMES,
  JOB_OUTCOMES,
  PHASES,
  VM_OUTCOMES,
  type GitHubRequestOutcome,
  type JobOutcome,
  type Phase,
  type TartCommandOutcome,
  type VmOutcome,
} from "./executor-metric-labels.js";
import { isMetricValue, WEBHOOK_OUTCOMES, type WebhookOutcome } from "./metric-outcomes.js";

export type { GitHubRequestOutcome, JobOutcome, Phase, TartCommandOutcome, VmOutcome, WebhookOutcome };

/** 50 ms (an `ip` answer) up to an hour (a long job or a multi-GB pull). */
const PHASE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600];

/** The original's nine gauges; memory values are MiB. A null limit means "no budget": no series. */
export interface ExecutorGauges {
  readonly inProgressJobs: number;
  readonly pendingJobs: number;
  readonly startedPendingJobs: number;
  readonly virtualMachines: number;
  readonly virtualMachineLimit: number;
  readonly cpuLimit: number | null;
  readonly cpuUsed: number;
  readonly totalMemory: number | null;
  readonly memoryUsed: number;
}

const GAUGES: Readonly<Record<keyof ExecutorGauges, readonly [name: string, help: string]>> = {
  inProgressJobs: ["tart_executor_in_progress_jobs", "Jobs a runner of this host is working on."],
  pendingJobs: ["tart_executor_pending_jobs", "Queued matching jobs not yet taken by a runner."],
  startedPendingJobs: [
    "tart_executor_started_pending_jobs",
    "Queued jobs that have a VM starting or idle for them.",
  ],
  virtualMachines: ["tart_executor_virtual_machines", "VMs that exist on this host, in any phase."],
  virtualMachineLimit: ["tart_executor_virtual_machine_limit", "Most VMs this host runs at once."],
  cpuLimit: ["tart_executor_cpu_limit", "CPU budget for all VMs (absent when there is none)."],
  cpuUsed: ["tart_executor_cpu_used", "CPUs assigned to VMs; VMs using the image default count 0."],
  totalMemory: [
    "tart_executor_total_memory",
    "Memory budget for all VMs in MiB (absent when there is none).",
  ],
  memoryUsed: [
    "tart_executor_memory_used",
    "Memory assigned to VMs in MiB; VMs using the image default count 0.",
  ],
};

export interface ExecutorMetrics {
  /** The Content-Type for `render()`'s text. */
  readonly contentType: string;
  setGauges(values: ExecutorGauges): void;
  webhook(outcome: WebhookOutcome): void;
  job(outcome: JobOutcome): void;
  vm(outcome: VmOutcome): void;
  /** `command` is tart's subcommand (`pull`, `clone`…); anything else is counted as `other`. */
  tartCommand(command: string, outcome: TartCommandOutcome): void;
  githubRequest(outcome: GitHubRequestOutcome): void;
  githubRateLimitRemaining(remaining: number): void;
  observePhase(phase: Phase, seconds: number): void;
  render(): Promise<string>;
  /** The private registry, for metrics defined elsewhere (warm-metrics.ts). */
  readonly registry: Registry;
}

export interface ExecutorMetricsOptions {
  readonly hostname: string;
  readonly version: string;
  /** Also export Node's process metrics (CPU, memory, event loop…), prefixed `tart_executor_`. */
  readonly processMetrics?: boolean;
}

export function createExecutorMetrics(options: ExecutorMetricsOptions): ExecutorMetrics {
  const registry = new Registry();
  const registers = [registry];
  registry.setDefaultLabels({ hostname: options.hostname });
  const host = { hostname: options.hostname };

  const gauges = Object.fromEntries(
    Object.entries(GAUGES).map(([key, [name, help]]) => [
      key,
      new Gauge({ name, help, labelNames: ["hostname"], registers }),
    ]),
  ) as Record<keyof ExecutorGauges, Gauge<"hostname">>;
  const outcomeCounter = (name: string, help: string, outcomes: readonly string[]) => {
    const counter = new Counter<"outcome">({ name, help, labelNames: ["outcome"], registers });
    // Zero series from the start, so rate() and alerts work before the first event.
    for (const outcome of outcomes) counter.inc({ outcome }, 0);
    return counter;
  };
  const webhooks = outcomeCounter(
    "tart_executor_webhooks_total",
    "Webhook deliveries by outcome.",
    WEBHOOK_OUTCOMES,
  );
  const jobs = outcomeCounter(
    "tart_executor_jobs_total",
    "Jobs that left the queue, by outcome.",
    JOB_OUTCOMES,
  );
  const vms = outcomeCounter("tart_executor_vms_total", "VMs that ended, by outcome.", VM_OUTCOMES);
  const tartCommands = new Counter<"command" | "outcome">({
    name: "tart_executor_tart_commands_total",
    help: "tart invocations by subcommand and outcome.",
    labelNames: ["command", "outcome"],
    registers,
  });
  const githubRequests = outcomeCounter(
    "tart_executor_github_requests_total",
    "GitHub API requests by outcome.",
    GITHUB_REQUEST_OUTCOMES,
  );
  const rateLimit = new Gauge({
    name: "tart_executor_github_rate_limit_remaining",
    help: "Requests left in the current GitHub rate-limit window, as last reported by GitHub.",
    registers,
  });
  const phases = new Histogram<"phase">({
    name: "tart_executor_phase_duration_seconds",
    help: "Time spent in each step from a queued job to a torn-down VM.",
    labelNames: ["phase"],
    buckets: PHASE_BUCKETS,
    registers,
  });
  for (const phase of PHASES) phases.zero({ phase });
  new Gauge({
    name: "tart_executor_build_info",
    help: "Always 1; the version label says which tart-executor is running.",
    labelNames: ["version"],
    registers,
  }).set({ version: options.version }, 1);
  if (options.processMetrics === true) {
    collectDefaultMetrics({ register: registry, prefix: "tart_executor_" });
  }

  return {
    registry,
    contentType: registry.contentType,
    setGauges(values) {
      for (const key of Object.keys(GAUGES) as (keyof ExecutorGauges)[]) {
        const value = values[key];
        if (value === null) gauges[key].remove(host);
        else if (isMetricValue(value)) gauges[key].set(host, value);
      }
    },
    webhook: (outcome) => webhooks.inc({ outcome }),
    job: (outcome) => jobs.inc({ outcome }),
    vm: (outcome) => vms.inc({ outcome }),
    tartCommand: (command, outcome) =>
      tartCommands.inc({ command: /^-{0,2}[a-z][a-z-]{0,31}$/.test(command) ? command : "other", outcome }),
    githubRequest: (outcome) => githubRequests.inc({ outcome }),
    githubRateLimitRemaining(remaining) {
      if (isMetricValue(remaining)) rateLimit.set(remaining);
    },
    observePhase(phase, seconds) {
      if (isMetricValue(seconds) && seconds >= 0) phases.observe({ phase }, seconds);
    },
    render: () => registry.metrics(),
  };
}
