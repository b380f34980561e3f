import { fastify, type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { registerRouterAdminRoutes } from "../../../src/admin/admin-routes.js";
import { fakeRouterPort } from "./fake-admin-ports.js";

const FROM_LAN = "10.0.4.9";
const apps: FastifyInstance[] = [];

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

describe("router admin API", () => {
  it("lists hosts and jobs, finds and cancels a queued job, drains", async () => {
    const app = fastify();
    apps.push(app);
    const port = fakeRouterPort();
    registerRouterAdminRoutes(app, port, { token: null, exposed: false });
    const health = await app.inject({ url: "/api/v1/health" });
    expect(health.json()).toMatchObject({ service: "tart-router", hostname: "router-1" });
    const hosts = await app.inject({ url: "/api/v1/hosts" });
    expect(hosts.json()).toEqual({ hosts: port.status().hosts });
    const jobs = await app.inject({ url: "/api/v1/jobs" });
    expect(jobs.json()).toEqual({ jobs: port.status().jobs });
    const job = await app.inject({ url: `/api/v1/jobs/${encodeURIComponent("acme/app#43#1")}` });
    expect(job.json()).toEqual({ key: "acme/app#43#1", status: "queued", owner: null, url: null });
    const cancel = await app.inject({
      method: "POST",
      url: `/api/v1/jobs/${encodeURIComponent("acme/app#43#1")}/cancel`,
    });
    expect(cancel.json()).toEqual({ cancelled: true, key: "acme/app#43#1" });
    const refused = await app.inject({ method: "POST", url: "/api/v1/drain", remoteAddress: FROM_LAN });
    expect(refused.statusCode).toBe(403);
    expect(refused.json<{ error: string }>().error).toMatch(/^this request did not come from this Mac/);
    expect((await app.inject({ method: "POST", url: "/api/v1/drain" })).json()).toEqual({ accepting: false });
  });
});
