/**
 * The real router (daemon composition, HTTP, journal, engine) on 127.0.0.1:0 in front of fake
 * executors that speak router-protocol.ts over real HTTP.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { RouterHostConfig } from "../../../src/config/router-config.js";
import { FakeExecutor } from "./support/fake-executor.js";
import {
  eventually,
  post,
  removeTempDirs,
  routerConfig,
  SECRET,
  signedDelivery,
  startRouter,
  stateDir,
  TOKEN,
  type Harness,
} from "./support/router-harness.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(removeTempDirs);

async function executors(...specs: Array<{ name: string; free: number; priority?: number }>) {
  const started = await Promise.all(
    specs.map((spec) =>
      FakeExecutor.start({ hostname: spec.name, secret: SECRET, token: TOKEN, freeSlots: spec.free }),
    ),
  );
  for (const executor of started) cleanups.push(() => executor.kill());
  const hosts: RouterHostConfig[] = started.map((executor, index) => ({
    hostname: executor.hostname,
    url: executor.url,
    priority: specs[index]?.priority ?? index,
  }));
  return { started, hosts };
}

async function router(hosts: RouterHostConfig[], dir = stateDir()): Promise<Harness> {
  const harness = await startRouter(routerConfig(hosts, dir));
  cleanups.push(() => harness.daemon.close("test over"));
  return harness;
}

const queued = (id: number) =>
  signedDelivery({ action: "queued", id, labels: ["self-hosted", "tartelet", "sequoia"] });

describe("tart-router in front of executors", () => {
  it("answers 401 to a bad signature and forwards nothing; answers ping with 200", async () => {
    const { started, hosts } = await executors({ name: "mac-a", free: 2 });
    const { daemon } = await router(hosts);
    const forged = signedDelivery({ action: "queued", id: 1, labels: ["tartelet"] }, "not-the-secret");
    expect((await post(daemon.url, forged)).status).toBe(401);
    const ping = { ...queued(2), headers: { ...queued(2).headers, "x-github-event": "ping" } };
    expect((await post(`${daemon.url}/webhook`, ping)).status).toBe(200);
    const other = signedDelivery({ action: "queued", id: 3, labels: ["ubuntu-latest"] });
    expect(await post(daemon.url, other)).toMatchObject({
      status: 202,
      body: { message: "ignored: labels do not match" },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(started[0]!.received).toEqual([]);
  });

  it("forwards the original bytes and GitHub's headers, with the executor token", async () => {
    const { started, hosts } = await executors({ name: "mac-a", free: 2 });
    const { daemon } = await router(hosts);
    const delivery = queued(11);
    expect(await post(daemon.url, delivery)).toMatchObject({ status: 202, body: { message: "accepted" } });
    await eventually(() => started[0]!.received.length === 1);
    const [got] = started[0]!.received;
    expect(got!.body.toString("utf8")).toBe(delivery.body);
    for (const [name, value] of Object.entries(delivery.headers)) expect(got!.headers[name]).toBe(value);
    expect(got!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(got!.headers["x-tart-router-host"]).toBe("router-1");
    expect(got!.result).toBe("accepted");
  });

  it("skips a full host at once and hands the job to the next", async () => {
    const { started, hosts } = await executors({ name: "mac-a", free: 2 }, { name: "mac-b", free: 2 });
    const [a, b] = started as [FakeExecutor, FakeExecutor];
    const { daemon } = await router(hosts);
    await eventually(() => a.statusRequests > 0 && b.statusRequests > 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    a.mode = "full";
    await post(daemon.url, queued(21));
    await eventually(() => b.accepted().length === 1);
    expect(a.received.map((r) => r.result)).toEqual(["full"]);
    expect(b.accepted()).toEqual([21]);
  });

  it("queues jobs while every host is full and drains them in arrival order when one reports room", async () => {
    const { started, hosts } = await executors({ name: "mac-a", free: 0 });
    const [a] = started as [FakeExecutor];
    const { daemon } = await router(hosts);
    await eventually(() => a.statusRequests > 0);
    for (const id of [31, 32, 33]) expect((await post(daemon.url, queued(id))).status).toBe(202);
    const status = (await (await fetch(`${daemon.url}/status`)).json()) as { queue: unknown[] };
    expect(status.queue).toHaveLength(3);
    a.freeSlots = 3;
    expect((await fetch(`${daemon.url}/runner`, { method: "POST" })).status).toBe(200);
    await eventually(() => a.accepted().length === 3);
    expect(a.accepted()).toEqual([31, 32, 33]);
  });

  it("moves a dead host's unstarted jobs to another host after the grace period", async () => {
    const { started, hosts } = await executors({ name: "mac-a", free: 2 }, { name: "mac-b", free: 0 });
    const [a, b] = started as [FakeExecutor, FakeExecutor];
    const { daemon, lines } = await router(hosts);
    await eventually(() => a.statusRequests > 0);
    await post(daemon.url, queued(41));
    await post(daemon.url, queued(42));
    await eventually(() => a.accepted().length === 2);
    await a.kill();
    b.freeSlots = 2;
    await eventually(() => b.accepted().length === 2, 8_000);
    expect(b.accepted().sort()).toEqual([41, 42]);
    expect(lines.some((line) => line.includes("executor is down"))).toBe(true);
  });

  it("sends later events to the owner and to the runner's host", async () => {
    const { started, hosts } = await executors({ name: "mac-a", free: 1 }, { name: "mac-b", free: 0 });
    const [a, b] = started as [FakeExecutor, FakeExecutor];
    const { daemon } = await router(hosts);
    await eventually(() => a.statusRequests > 0);
    await post(daemon.url, queued(51));
    await eventually(() => a.accepted().length === 1);
    const runner = "tart-executor-mac-b-abcd1234";
    await post(
      daemon.url,
      signedDelivery({ action: "in_progress", id: 51, labels: ["tartelet"], runnerName: runner }),
    );
    await eventually(() => a.received.length === 2 && b.received.length === 1);
    expect(b.received[0]).toMatchObject({ action: "in_progress", result: "recorded" });
    await post(
      daemon.url,
      signedDelivery({ action: "completed", id: 99, labels: ["tartelet"], runnerName: null }),
    );
    await eventually(() => a.received.length === 3 && b.received.length === 2);
  });

  it("reports the required metric families", async () => {
    const { started, hosts } = await executors({ name: "mac-a", free: 1 });
    const { daemon } = await router(hosts);
    await eventually(() => started[0]!.statusRequests > 0);
    await post(daemon.url, queued(61));
    await eventually(() => started[0]!.accepted().length === 1);
    const text = await (await fetch(`${daemon.url}/metrics`)).text();
    for (const family of [
      "tart_executor_reachable",
      "tart_router_host_capacity",
      "tart_router_host_busy",
      "tart_router_queue_depth",
      "tart_router_forwards_total",
      "tart_router_forward_duration_seconds",
      "tart_router_pending_jobs",
      "tart_router_pending_jobs_unsent",
      "tart_router_pending_jobs_queued",
      "tart_router_available_virtual_machines",
      "tart_router_available_hosts",
      "tart_router_webhooks_total",
    ])
      expect(text).toContain(`# TYPE ${family} `);
    expect(text).toMatch(/tart_router_forwards_total\{hostname="mac-a",outcome="accepted"\} 1/);
    expect(text).toMatch(/tart_executor_reachable\{hostname="mac-a"\} 1/);
    expect((await (await fetch(`${daemon.url}/healthz`)).json()) as unknown).toEqual({ status: "ok" });
  });

  it("forwards what it acknowledged before a restart", async () => {
    const { started, hosts } = await executors({ name: "mac-a", free: 0 });
    const [a] = started as [FakeExecutor];
    const dir = stateDir();
    const first = await startRouter(routerConfig(hosts, dir));
    for (const id of [71, 72]) expect((await post(first.daemon.url, queued(id))).status).toBe(202);
    await first.daemon.close("restart");
    a.freeSlots = 2;
    await router(hosts, dir);
    await eventually(() => a.accepted().length === 2);
    expect(a.accepted()).toEqual([71, 72]);
  });
});
