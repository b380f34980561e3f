import { fastify, type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { registerExecutorAdminRoutes } from "../../../src/admin/admin-routes.js";
import { fakeExecutorPort, JOB } from "./fake-admin-ports.js";

const TOKEN = "s3cret-admin-token";
const FROM_LAN = "10.0.4.9";
const apps: FastifyInstance[] = [];

function executorApp(options: { token?: string; exposed?: boolean } = {}) {
  const app = fastify();
  apps.push(app);
  const port = fakeExecutorPort();
  registerExecutorAdminRoutes(app, port, { token: options.token ?? null, exposed: options.exposed ?? false });
  return { app, port };
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

describe("executor admin API without a token", () => {
  it("answers health with the service, hostname and version", async () => {
    const { app } = executorApp();
    const response = await app.inject({ url: "/api/v1/health" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: "ok",
      service: "tart-executor",
      hostname: "mac-mini-1",
      version: "0.1.0",
      startedAt: "2026-05-12T09:00:00.000Z",
    });
  });

  it("lets anyone read status and jobs, also from another host", async () => {
    const { app } = executorApp({ exposed: true });
    const status = await app.inject({ url: "/api/v1/status", remoteAddress: FROM_LAN });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ kind: "executor", slots: { limit: 2, used: 1, free: 1 } });
    expect(status.headers["cache-control"]).toBe("no-store");
    const jobs = await app.inject({ url: "/api/v1/jobs", remoteAddress: FROM_LAN });
    expect(jobs.json()).toEqual({ jobs: [JOB] });
  });

  it("finds a job by its URL-encoded key and says which key is unknown", async () => {
    const { app } = executorApp();
    const found = await app.inject({ url: `/api/v1/jobs/${encodeURIComponent(JOB.key)}` });
    expect(found.statusCode).toBe(200);
    expect(found.json()).toEqual(JOB);
    const missing = await app.inject({ url: `/api/v1/jobs/${encodeURIComponent("acme/app#1#1")}` });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      error: 'no job with key "acme/app#1#1" (keys look like owner/repo#jobId#runAttempt)',
    });
  });

  it("drains, resumes and cancels when asked from this Mac", async () => {
    const { app, port } = executorApp({ exposed: true });
    const drained = await app.inject({ method: "POST", url: "/api/v1/drain" });
    expect(drained.json()).toEqual({ accepting: false });
    expect(port.accepting).toBe(false);
    const resumed = await app.inject({ method: "POST", url: "/api/v1/resume", remoteAddress: "::1" });
    expect(resumed.json()).toEqual({ accepting: true });
    const cancelled = await app.inject({
      method: "POST",
      url: `/api/v1/jobs/${encodeURIComponent(JOB.key)}/cancel`,
    });
    expect(cancelled.json()).toEqual({ cancelled: true, key: JOB.key });
    const unknown = await app.inject({ method: "POST", url: "/api/v1/jobs/nope/cancel" });
    expect(unknown.statusCode).toBe(404);
    expect(port.cancelled).toEqual([JOB.key, "nope"]);
  });

  it("refuses changes from another host and tells the operator to set apiToken", async () => {
    const { app, port } = executorApp({ exposed: true });
    const response = await app.inject({ method: "POST", url: "/api/v1/drain", remoteAddress: FROM_LAN });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({
      error:
        "this API listens on a network address and has no token: set apiToken in the configuration, restart, and send it as `Authorization: Bearer <apiToken>`",
    });
    expect(port.accepting).toBe(true);
    const ipv4Mapped = await app.inject({
      method: "POST",
      url: "/api/v1/drain",
      remoteAddress: "::ffff:10.0.4.9",
    });
    expect(ipv4Mapped.statusCode).toBe(403);
  });

  it("answers unknown API paths and malformed bodies in the API's error shape", async () => {
    const { app } = executorApp();
    const unknown = await app.inject({ url: "/api/v1/vms?x=1" });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: "no such API route: GET /api/v1/vms" });
    const malformed = await app.inject({
      method: "POST",
      url: "/api/v1/drain",
      headers: { "content-type": "application/json" },
      payload: "{not json",
    });
    expect(malformed.statusCode).toBe(400);
    expect(Object.keys(malformed.json<object>())).toEqual(["error"]);
  });
});

describe("executor admin API with a token", () => {
  it("needs the bearer token for everything but health, compared exactly", async () => {
    const { app } = executorApp({ token: TOKEN, exposed: true });
    expect((await app.inject({ url: "/api/v1/health" })).statusCode).toBe(200);
    const missing = await app.inject({ url: "/api/v1/status" });
    expect(missing.statusCode).toBe(401);
    expect(missing.headers["www-authenticate"]).toBe("Bearer");
    expect(missing.json()).toEqual({
      error: "missing or invalid bearer token: send `Authorization: Bearer <apiToken>`",
    });
    for (const authorization of [`Bearer ${TOKEN}x`, `Basic ${TOKEN}`, "Bearer "]) {
      const wrong = await app.inject({ url: "/api/v1/jobs", headers: { authorization } });
      expect(wrong.statusCode).toBe(401);
    }
    const right = await app.inject({ url: "/api/v1/status", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(right.statusCode).toBe(200);
  });

  it("accepts changes from another host when the token is right, and not from this Mac without it", async () => {
    const { app, port } = executorApp({ token: TOKEN, exposed: true });
    const local = await app.inject({ method: "POST", url: "/api/v1/drain" });
    expect(local.statusCode).toBe(401);
    expect(port.accepting).toBe(true);
    const remote = await app.inject({
      method: "POST",
      url: "/api/v1/drain",
      remoteAddress: FROM_LAN,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(remote.statusCode).toBe(200);
    expect(port.accepting).toBe(false);
  });
});

describe("admin API on a real listener", () => {
  it("serves 127.0.0.1 clients: reads with the token, drain from loopback", async () => {
    const { app, port } = executorApp({ token: TOKEN });
    const address = await app.listen({ host: "127.0.0.1", port: 0 });
    const unauthorized = await fetch(`${address}/api/v1/status`);
    expect(unauthorized.status).toBe(401);
    const auth = { authorization: `Bearer ${TOKEN}` };
    const status = await fetch(`${address}/api/v1/status`, { headers: auth });
    expect(await status.json()).toMatchObject({ hostname: "mac-mini-1", accepting: true });
    const key = encodeURIComponent(JOB.key);
    const job = await fetch(`${address}/api/v1/jobs/${key}`, { headers: auth });
    expect(await job.json()).toEqual(JOB);
    const drain = await fetch(`${address}/api/v1/drain`, { method: "POST", headers: auth });
    expect(drain.status).toBe(200);
    expect(port.accepting).toBe(false);
  });
});

describe("admin API failures", () => {
  it("answers 500 with a generic error when the daemon throws, without leaking the message", async () => {
    const app = fastify();
    apps.push(app);
    const port = fakeExecutorPort();
    port.jobs = () => {
      throw new Error("ledger at /Users/ci/.tart-executor is corrupt");
    };
    registerExecutorAdminRoutes(app, port, { token: null, exposed: false });
    const response = await app.inject({ url: "/api/v1/jobs" });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: "internal error" });
  });
});
