import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createExecutorMetrics } from "../../../src/observability/executor-metrics.js";
import { PHASES } from "../../../src/observability/executor-metric-labels.js";
import { createRouterMetrics } from "../../../src/observability/router-metrics.js";
import { exportedSampleNames, metricNames } from "./promql-metric-names.js";

interface Panel {
  readonly type: string;
  readonly title: string;
  readonly datasource?: { readonly uid: string };
  readonly targets?: ReadonlyArray<{ readonly expr: string; readonly refId: string }>;
}

const dashboard = JSON.parse(
  readFileSync(new URL("../../../ops/grafana/tart-executor.json", import.meta.url), "utf8"),
) as {
  schemaVersion: number;
  __inputs: Array<{ name: string; pluginId: string }>;
  panels: Panel[];
  templating: { list: Array<{ name: string; definition: string }> };
};
const panels = dashboard.panels.filter((panel) => panel.type !== "row");

/** Every sample name the two daemons export, from their real registries after some activity. */
async function exportedNames(): Promise<Set<string>> {
  const executor = createExecutorMetrics({ hostname: "mini-1", version: "0.1.0" });
  executor.setGauges({
    inProgressJobs: 1,
    pendingJobs: 2,
    startedPendingJobs: 1,
    virtualMachines: 2,
    virtualMachineLimit: 2,
    cpuLimit: 8,
    cpuUsed: 8,
    totalMemory: 16384,
    memoryUsed: 16384,
  });
  executor.webhook("accepted");
  executor.job("served");
  executor.vm("completed");
  executor.tartCommand("clone", "error");
  executor.githubRequest("ok");
  executor.githubRateLimitRemaining(4999);
  for (const phase of PHASES) executor.observePhase(phase, 3);
  const router = createRouterMetrics({ hostname: "router-1", version: "0.1.0" });
  router.setGauges({
    pendingJobs: 1,
    pendingJobsUnsent: 1,
    pendingJobsQueued: 0,
    availableVirtualMachines: 1,
    availableHosts: 1,
    queueDepth: 1,
  });
  router.setHost("mini-1", { reachable: true, capacity: 2, busy: 1 });
  router.webhook("accepted");
  router.forward("mini-1", "accepted");
  router.observeForward("mini-1", 0.02);
  const text = `${await executor.render()}\n${await router.render()}`;
  return exportedSampleNames(text);
}

describe("ops/grafana/tart-executor.json", () => {
  it("is an importable dashboard with a Prometheus input and a hostname variable", () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.__inputs).toContainEqual(
      expect.objectContaining({ name: "DS_PROMETHEUS", pluginId: "prometheus" }),
    );
    expect(dashboard.templating.list.map((variable) => variable.name)).toContain("hostname");
    for (const panel of panels) {
      expect(panel.datasource?.uid, panel.title).toBe("${DS_PROMETHEUS}");
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
  });

  it("queries only metrics the daemons export", async () => {
    const exported = await exportedNames();
    const queried = new Map<string, string>();
    for (const panel of panels)
      for (const target of panel.targets ?? [])
        for (const name of metricNames(target.expr)) queried.set(name, panel.title);
    for (const variable of dashboard.templating.list)
      for (const name of metricNames(variable.definition.replace(/^label_values\((.*),[^,]*\)$/, "$1")))
        queried.set(name, `variable ${variable.name}`);
    const unknown = [...queried].filter(([name]) => !exported.has(name));
    expect(unknown).toEqual([]);
    expect(queried.size).toBeGreaterThan(20);
  });

  it("covers slots, jobs, webhooks, outcomes, tart, GitHub, phases and the router", () => {
    const queried = new Set(
      panels.flatMap((panel) => (panel.targets ?? []).flatMap((target) => metricNames(target.expr))),
    );
    for (const name of [
      "tart_executor_virtual_machines",
      "tart_executor_pending_jobs",
      "tart_executor_in_progress_jobs",
      "tart_executor_webhooks_total",
      "tart_executor_jobs_total",
      "tart_executor_vms_total",
      "tart_executor_tart_commands_total",
      "tart_executor_github_requests_total",
      "tart_executor_github_rate_limit_remaining",
      "tart_executor_phase_duration_seconds_bucket",
      "tart_router_queue_depth",
      "tart_executor_reachable",
      "tart_router_forwards_total",
    ])
      expect(queried, name).toContain(name);
    const p95 = panels.find((panel) => panel.title === "Phase duration p95");
    expect(p95?.targets?.[0]?.expr).toMatch(
      /^histogram_quantile\(0\.95, sum by \(le, phase\) \(rate\(tart_executor_phase_duration_seconds_bucket/,
    );
  });
});

describe("metricNames", () => {
  it("finds metric names and skips functions, labels, ranges, strings and grouping", () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, phase) (rate(tart_executor_phase_duration_seconds_bucket{hostname=~"$hostname", phase!="x"}[$__rate_interval]))) / on (phase) group_left tart_executor_nope_total',
      ),
    ).toEqual(["tart_executor_phase_duration_seconds_bucket", "tart_executor_nope_total"]);
    expect(metricNames("sum(rate(a_total[5m])) by (outcome) > bool 0")).toEqual(["a_total"]);
  });
});
