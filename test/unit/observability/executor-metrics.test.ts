import { describe, expect, it } from "vitest";
import { register as globalRegistry } from "prom-client";
import { createExecutorMetrics, type ExecutorGauges } from "../../../src/observability/executor-metrics.js";
import { familyOf, parseExposition, sampleValue } from "./prometheus-text.js";

const GAUGE_NAMES = [
  "tart_executor_in_progress_jobs",
  "tart_executor_pending_jobs",
  "tart_executor_started_pending_jobs",
  "tart_executor_virtual_machines",
  "tart_executor_virtual_machine_limit",
  "tart_executor_cpu_limit",
  "tart_executor_cpu_used",
  "tart_executor_total_memory",
  "tart_executor_memory_used",
];

const gauges: ExecutorGauges = {
  inProgressJobs: 1,
  pendingJobs: 3,
  startedPendingJobs: 1,
  virtualMachines: 2,
  virtualMachineLimit: 2,
  cpuLimit: 8,
  cpuUsed: 6,
  totalMemory: 16384,
  memoryUsed: 12288,
};

async function rendered(setup: (metrics: ReturnType<typeof createExecutorMetrics>) => void = () => {}) {
  const metrics = createExecutorMetrics({ hostname: "mac-1", version: "1.2.3" });
  setup(metrics);
  return parseExposition(await metrics.render());
}

describe("createExecutorMetrics", () => {
  it("renders the original nine gauges with a hostname label, set in one call", async () => {
    const text = await rendered((metrics) => metrics.setGauges(gauges));
    const expected = [1, 3, 1, 2, 2, 8, 6, 16384, 12288];
    GAUGE_NAMES.forEach((name, i) => {
      expect(text.type.get(name)).toBe("gauge");
      expect(text.help.get(name)).toBeTruthy();
      expect(sampleValue(text, name, { hostname: "mac-1" })).toBe(expected[i]);
    });
  });

  it("omits a limit that is null and keeps the others", async () => {
    const text = await rendered((metrics) => {
      metrics.setGauges(gauges);
      metrics.setGauges({ ...gauges, cpuLimit: null, totalMemory: null, pendingJobs: 0 });
    });
    expect(sampleValue(text, "tart_executor_cpu_limit")).toBeUndefined();
    expect(sampleValue(text, "tart_executor_total_memory")).toBeUndefined();
    expect(sampleValue(text, "tart_executor_pending_jobs")).toBe(0);
    expect(text.help.has("tart_executor_cpu_limit")).toBe(true);
  });

  it("has HELP and TYPE for every family and hostname on every series", async () => {
    const text = await rendered((metrics) => {
      metrics.setGauges(gauges);
      metrics.tartCommand("clone", "ok");
      metrics.githubRateLimitRemaining(4999);
    });
    for (const sample of text.samples) {
      const family = familyOf(text, sample.name);
      expect(family, sample.name).toBeDefined();
      expect(text.help.get(family ?? "")).toBeTruthy();
      expect(sample.labels["hostname"], sample.name).toBe("mac-1");
    }
    expect([...text.type.keys()].sort()).toEqual(
      [
        ...GAUGE_NAMES,
        "tart_executor_webhooks_total",
        "tart_executor_jobs_total",
        "tart_executor_vms_total",
        "tart_executor_tart_commands_total",
        "tart_executor_github_requests_total",
        "tart_executor_github_rate_limit_remaining",
        "tart_executor_phase_duration_seconds",
        "tart_executor_build_info",
      ].sort(),
    );
  });

  it("counts webhooks, jobs, VMs and GitHub requests by outcome, starting every outcome at 0", async () => {
    const text = await rendered((metrics) => {
      metrics.webhook("accepted");
      metrics.webhook("accepted");
      metrics.webhook("unauthorized");
      metrics.job("given_up");
      metrics.vm("torn_down");
      metrics.githubRequest("rate_limited");
    });
    expect(text.type.get("tart_executor_webhooks_total")).toBe("counter");
    expect(sampleValue(text, "tart_executor_webhooks_total", { outcome: "accepted" })).toBe(2);
    expect(sampleValue(text, "tart_executor_webhooks_total", { outcome: "unauthorized" })).toBe(1);
    for (const outcome of ["duplicate", "ignored", "rejected", "bad_request"]) {
      expect(sampleValue(text, "tart_executor_webhooks_total", { outcome })).toBe(0);
    }
    expect(sampleValue(text, "tart_executor_jobs_total", { outcome: "given_up" })).toBe(1);
    expect(sampleValue(text, "tart_executor_jobs_total", { outcome: "served" })).toBe(0);
    expect(sampleValue(text, "tart_executor_vms_total", { outcome: "torn_down" })).toBe(1);
    expect(sampleValue(text, "tart_executor_github_requests_total", { outcome: "rate_limited" })).toBe(1);
    expect(sampleValue(text, "tart_executor_github_requests_total", { outcome: "ok" })).toBe(0);
  });

  it("counts tart commands by subcommand and outcome, folding odd names into other", async () => {
    const text = await rendered((metrics) => {
      metrics.tartCommand("pull", "ok");
      metrics.tartCommand("pull", "timeout");
      metrics.tartCommand("--version", "ok");
      metrics.tartCommand("ghcr.io/x/y:1", "error");
    });
    expect(sampleValue(text, "tart_executor_tart_commands_total", { command: "pull", outcome: "ok" })).toBe(
      1,
    );
    expect(
      sampleValue(text, "tart_executor_tart_commands_total", { command: "pull", outcome: "timeout" }),
    ).toBe(1);
    expect(
      sampleValue(text, "tart_executor_tart_commands_total", { command: "--version", outcome: "ok" }),
    ).toBe(1);
    expect(
      sampleValue(text, "tart_executor_tart_commands_total", { command: "other", outcome: "error" }),
    ).toBe(1);
  });

  it("records phase durations in a histogram with buckets from 50 ms to an hour", async () => {
    const text = await rendered((metrics) => {
      metrics.observePhase("clone", 12);
      metrics.observePhase("clone", 0.02);
      metrics.observePhase("clone", Number.NaN);
      metrics.observePhase("clone", -1);
    });
    expect(text.type.get("tart_executor_phase_duration_seconds")).toBe("histogram");
    const buckets = text.samples
      .filter(
        (sample) =>
          sample.name === "tart_executor_phase_duration_seconds_bucket" && sample.labels["phase"] === "clone",
      )
      .map((sample) => sample.labels["le"]);
    expect(buckets[0]).toBe("0.05");
    expect(buckets).toContain("3600");
    expect(buckets.at(-1)).toBe("+Inf");
    const bucket = (le: string) =>
      sampleValue(text, "tart_executor_phase_duration_seconds_bucket", { phase: "clone", le });
    expect(bucket("0.05")).toBe(1);
    expect(bucket("10")).toBe(1);
    expect(bucket("20")).toBe(2);
    expect(sampleValue(text, "tart_executor_phase_duration_seconds_count", { phase: "clone" })).toBe(2);
    expect(sampleValue(text, "tart_executor_phase_duration_seconds_sum", { phase: "clone" })).toBeCloseTo(
      12.02,
    );
    for (const phase of [
      "queue_wait",
      "pull",
      "boot_to_ip",
      "ssh_ready",
      "runner_online",
      "job_start",
      "job_run",
      "teardown",
    ]) {
      expect(sampleValue(text, "tart_executor_phase_duration_seconds_count", { phase })).toBe(0);
    }
  });

  it("reports the GitHub rate limit and the build version", async () => {
    const text = await rendered((metrics) => metrics.githubRateLimitRemaining(4321));
    expect(sampleValue(text, "tart_executor_github_rate_limit_remaining")).toBe(4321);
    expect(sampleValue(text, "tart_executor_build_info", { version: "1.2.3" })).toBe(1);
  });

  it("keeps instances apart and leaves prom-client's global registry alone", async () => {
    const before = (await globalRegistry.metrics()).length;
    const a = createExecutorMetrics({ hostname: "a", version: "1" });
    const b = createExecutorMetrics({ hostname: "b", version: "1" });
    a.webhook("accepted");
    const textB = parseExposition(await b.render());
    expect(sampleValue(textB, "tart_executor_webhooks_total", { outcome: "accepted" })).toBe(0);
    expect((await globalRegistry.metrics()).length).toBe(before);
  });

  it("exports process metrics with the executor prefix when asked", async () => {
    const metrics = createExecutorMetrics({ hostname: "mac-1", version: "1", processMetrics: true });
    const text = parseExposition(await metrics.render());
    expect(text.type.get("tart_executor_process_cpu_seconds_total")).toBe("counter");
    expect(metrics.contentType).toMatch(/^text\/plain/);
  });
});
