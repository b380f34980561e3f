/**
 * The router's Prometheus metrics on a private registry. The first five gauges and
 * `tart_executor_reachable` keep the original tart-router's names (original-tart-executor.md
 * §6). Router-wide series carry the router's `hostname`; per-executor series carry the
 * executor's `hostname` as written in the router config.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { isMetricValue, WEBHOOK_OUTCOMES, type WebhookOutcome } from "./metric-outcomes.js";

export type { WebhookOutcome };

/** What one attempt to hand a job to an executor came to. */
export type ForwardOutcome = "accepted" | "busy" | "rejected" | "error" | "unreachable";

/** Local round trips take milliseconds; the upper buckets catch executors close to timing out. */
const FORWARD_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface RouterGauges {
  readonly pendingJobs: number;
  readonly pendingJobsUnsent: number;
  readonly pendingJobsQueued: number;
  readonly availableVirtualMachines: number;
  readonly availableHosts: number;
  readonly queueDepth: number;
}

const GAUGES: Readonly<Record<keyof RouterGauges, readonly [name: string, help: string]>> = {
  pendingJobs: ["tart_router_pending_jobs", "Jobs the router knows of that no runner has taken yet."],
  pendingJobsUnsent: ["tart_router_pending_jobs_unsent", "Pending jobs not yet handed to any executor."],
  pendingJobsQueued: [
    "tart_router_pending_jobs_queued",
    "Pending jobs handed to an executor that has not started them.",
  ],
  availableVirtualMachines: [
    "tart_router_available_virtual_machines",
    "Free VM slots summed over reachable executors.",
  ],
  availableHosts: ["tart_router_available_hosts", "Executors that answered their last status check."],
  queueDepth: ["tart_router_queue_depth", "Jobs waiting in the router's durable queue for a host with room."],
};

/** One executor as the router last saw it. */
export interface HostGauges {
  readonly reachable: boolean;
  /** VM slots the executor offers. */
  readonly capacity: number;
  /** VM slots in use. */
  readonly busy: number;
}

export interface RouterMetrics {
  readonly contentType: string;
  setGauges(values: RouterGauges): void;
  setHost(hostname: string, values: HostGauges): void;
  /** Drops an executor's series, e.g. when it leaves the configuration. */
  removeHost(hostname: string): void;
  webhook(outcome: WebhookOutcome): void;
  forward(hostname: string, outcome: ForwardOutcome): void;
  observeForward(hostname: string, seconds: number): void;
  render(): Promise<string>;
}

export interface RouterMetricsOptions {
  readonly hostname: string;
  readonly version: string;
  /** Also export Node's process metrics, prefixed `tart_router_`. */
  readonly processMetrics?: boolean;
}

export function createRouterMetrics(options: RouterMetricsOptions): RouterMetrics {
  const registry = new Registry();
  const registers = [registry];
  const router = { hostname: options.hostname };
  const gauge = (name: string, help: string, labelNames: string[] = ["hostname"]) =>
    new Gauge({ name, help, labelNames, registers });

  const gauges = Object.fromEntries(
    Object.entries(GAUGES).map(([key, [name, help]]) => [key, gauge(name, help)]),
  ) as Record<keyof RouterGauges, Gauge>;
  const reachable = gauge(
    "tart_executor_reachable",
    "1 when the executor answered its last status check, else 0.",
  );
  const capacity = gauge(
    "tart_router_host_capacity",
    "VM slots an executor offers, from its last status answer.",
  );
  const busy = gauge("tart_router_host_busy", "VM slots in use on an executor, from its last status answer.");
  const webhooks = new Counter({
    name: "tart_router_webhooks_total",
    help: "Webhook deliveries by outcome.",
    labelNames: ["outcome"],
    registers,
  });
  for (const outcome of WEBHOOK_OUTCOMES) webhooks.inc({ outcome }, 0);
  const forwards = new Counter({
    name: "tart_router_forwards_total",
    help: "Attempts to hand a job to an executor, by executor and outcome.",
    labelNames: ["hostname", "outcome"],
    registers,
  });
  const forwardDuration = new Histogram({
    name: "tart_router_forward_duration_seconds",
    help: "Time an executor took to answer a forwarded webhook.",
    labelNames: ["hostname"],
    buckets: FORWARD_BUCKETS,
    registers,
  });
  gauge("tart_router_build_info", "Always 1; the version label says which tart-router is running.", [
    "version",
  ]).set({ version: options.version }, 1);
  if (options.processMetrics === true) collectDefaultMetrics({ register: registry, prefix: "tart_router_" });

  return {
    contentType: registry.contentType,
    setGauges(values) {
      for (const key of Object.keys(GAUGES) as (keyof RouterGauges)[]) {
        if (isMetricValue(values[key])) gauges[key].set(router, values[key]);
      }
    },
    setHost(hostname, values) {
      reachable.set({ hostname }, values.reachable ? 1 : 0);
      if (isMetricValue(values.capacity)) capacity.set({ hostname }, values.capacity);
      if (isMetricValue(values.busy)) busy.set({ hostname }, values.busy);
    },
    removeHost(hostname) {
      for (const metric of [reachable, capacity, busy]) metric.remove({ hostname });
    },
    webhook: (outcome) => webhooks.inc({ outcome }),
    forward: (hostname, outcome) => forwards.inc({ hostname, outcome }),
    observeForward(hostname, seconds) {
      if (isMetricValue(seconds) && seconds >= 0) forwardDuration.observe({ hostname }, seconds);
    },
    render: () => registry.metrics(),
  };
}
