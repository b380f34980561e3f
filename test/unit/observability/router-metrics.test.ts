import { describe, expect, it } from "vitest";
import { createRouterMetrics } from "../../../src/observability/router-metrics.js";
import { familyOf, parseExposition, sampleValue } from "./prometheus-text.js";

async function rendered(setup: (metrics: ReturnType<typeof createRouterMetrics>) => void) {
  const metrics = createRouterMetrics({ hostname: "router-1", version: "1.2.3" });
  setup(metrics);
  return parseExposition(await metrics.render());
}

describe("createRouterMetrics", () => {
  it("renders the router gauges, labelled with the router's hostname", async () => {
    const text = await rendered((metrics) =>
      metrics.setGauges({
        pendingJobs: 5,
        pendingJobsUnsent: 2,
        pendingJobsQueued: 3,
        availableVirtualMachines: 1,
        availableHosts: 2,
        queueDepth: 2,
      }),
    );
    const expected: Record<string, number> = {
      tart_router_pending_jobs: 5,
      tart_router_pending_jobs_unsent: 2,
      tart_router_pending_jobs_queued: 3,
      tart_router_available_virtual_machines: 1,
      tart_router_available_hosts: 2,
      tart_router_queue_depth: 2,
    };
    for (const [name, value] of Object.entries(expected)) {
      expect(text.type.get(name)).toBe("gauge");
      expect(text.help.get(name)).toBeTruthy();
      expect(sampleValue(text, name, { hostname: "router-1" })).toBe(value);
    }
  });

  it("reports each executor's reachability and capacity under the executor's hostname", async () => {
    const text = await rendered((metrics) => {
      metrics.setHost("mac-1", { reachable: true, capacity: 2, busy: 1 });
      metrics.setHost("mac-2", { reachable: false, capacity: 2, busy: 0 });
    });
    expect(text.type.get("tart_executor_reachable")).toBe("gauge");
    expect(sampleValue(text, "tart_executor_reachable", { hostname: "mac-1" })).toBe(1);
    expect(sampleValue(text, "tart_executor_reachable", { hostname: "mac-2" })).toBe(0);
    expect(sampleValue(text, "tart_router_host_capacity", { hostname: "mac-1" })).toBe(2);
    expect(sampleValue(text, "tart_router_host_busy", { hostname: "mac-1" })).toBe(1);
  });

  it("drops a removed executor's gauges", async () => {
    const text = await rendered((metrics) => {
      metrics.setHost("mac-1", { reachable: true, capacity: 2, busy: 1 });
      metrics.setHost("mac-2", { reachable: true, capacity: 2, busy: 1 });
      metrics.removeHost("mac-1");
    });
    expect(sampleValue(text, "tart_executor_reachable", { hostname: "mac-1" })).toBeUndefined();
    expect(sampleValue(text, "tart_router_host_capacity", { hostname: "mac-1" })).toBeUndefined();
    expect(sampleValue(text, "tart_router_host_busy", { hostname: "mac-2" })).toBe(1);
  });

  it("counts forwards per executor and outcome, and times them", async () => {
    const text = await rendered((metrics) => {
      metrics.forward("mac-1", "accepted");
      metrics.forward("mac-1", "busy");
      metrics.forward("mac-1", "busy");
      metrics.forward("mac-2", "unreachable");
      metrics.observeForward("mac-1", 0.02);
      metrics.observeForward("mac-1", 3);
      metrics.observeForward("mac-1", Number.POSITIVE_INFINITY);
    });
    expect(text.type.get("tart_router_forwards_total")).toBe("counter");
    expect(sampleValue(text, "tart_router_forwards_total", { hostname: "mac-1", outcome: "busy" })).toBe(2);
    expect(
      sampleValue(text, "tart_router_forwards_total", { hostname: "mac-2", outcome: "unreachable" }),
    ).toBe(1);
    expect(text.type.get("tart_router_forward_duration_seconds")).toBe("histogram");
    expect(sampleValue(text, "tart_router_forward_duration_seconds_count", { hostname: "mac-1" })).toBe(2);
    expect(
      sampleValue(text, "tart_router_forward_duration_seconds_bucket", { hostname: "mac-1", le: "0.025" }),
    ).toBe(1);
  });

  it("counts webhooks by outcome and reports the build version", async () => {
    const text = await rendered((metrics) => metrics.webhook("ignored"));
    expect(sampleValue(text, "tart_router_webhooks_total", { outcome: "ignored" })).toBe(1);
    expect(sampleValue(text, "tart_router_webhooks_total", { outcome: "accepted" })).toBe(0);
    expect(sampleValue(text, "tart_router_build_info", { version: "1.2.3" })).toBe(1);
  });

  it("has HELP and TYPE for every family", async () => {
    const text = await rendered((metrics) => {
      metrics.setHost("mac-1", { reachable: true, capacity: 2, busy: 0 });
      metrics.forward("mac-1", "accepted");
      metrics.observeForward("mac-1", 0.1);
    });
    for (const sample of text.samples) {
      const family = familyOf(text, sample.name);
      expect(family, sample.name).toBeDefined();
      expect(text.help.get(family ?? "")).toBeTruthy();
    }
  });
});
