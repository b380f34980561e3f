import { createServer } from "node:net";
import { fastify, type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { registerExecutorAdminRoutes, registerRouterAdminRoutes } from "../../../src/admin/admin-routes.js";
import { localAdminUrl, runStatusCommand } from "../../../src/cli/status-command.js";
import { renderExecutorStatus, renderRouterStatus } from "../../../src/cli/status-table.js";
import { fakeExecutorPort, fakeRouterPort, JOB } from "./fake-admin-ports.js";

const NOW = Date.parse("2026-05-12T10:10:00.000Z");
const apps: FastifyInstance[] = [];

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function serve(register: (app: FastifyInstance) => void): Promise<string> {
  const app = fastify();
  apps.push(app);
  register(app);
  return app.listen({ host: "127.0.0.1", port: 0 });
}

async function status(url: string, options: { token?: string; json?: boolean } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runStatusCommand({
    url,
    token: options.token ?? null,
    json: options.json ?? false,
    color: false,
    fetch,
    write: (text) => out.push(text),
    writeError: (text) => err.push(text),
    now: () => NOW,
  });
  return { code, out: out.join(""), err: err.join("") };
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("runStatusCommand", () => {
  it("prints the executor's table from /api/v1/status and /api/v1/jobs", async () => {
    const port = fakeExecutorPort();
    const url = await serve((app) => registerExecutorAdminRoutes(app, port, { token: null, exposed: false }));
    const result = await status(url);
    expect(result).toEqual({
      code: 0,
      out: renderExecutorStatus(port.status(), [JOB], { color: false, nowMs: NOW }),
      err: "",
    });
    expect(result.out.split("\n")[0]).toBe("tart-executor mac-mini-1  v0.1.0  accepting  up 1h 10m");
  });

  it("prints the raw JSON with --json", async () => {
    const port = fakeExecutorPort();
    const url = await serve((app) => registerExecutorAdminRoutes(app, port, { token: null, exposed: false }));
    const result = await status(`${url}/`, { json: true });
    expect(JSON.parse(result.out)).toEqual({ status: port.status(), jobs: [JOB] });
  });

  it("prints the router's hosts, sending the token", async () => {
    const port = fakeRouterPort();
    const url = await serve((app) => registerRouterAdminRoutes(app, port, { token: "t0ken", exposed: true }));
    const result = await status(url, { token: "t0ken" });
    expect(result.code).toBe(0);
    expect(result.out).toBe(renderRouterStatus(port.status(), { color: false, nowMs: NOW }));
  });

  it("fails with the URL and the reason when the token is wrong", async () => {
    const port = fakeExecutorPort();
    const url = await serve((app) =>
      registerExecutorAdminRoutes(app, port, { token: "t0ken", exposed: true }),
    );
    const result = await status(url);
    expect(result.code).toBe(1);
    expect(result.out).toBe("");
    expect(result.err).toBe(
      `${url}/api/v1/status answered 401: missing or invalid bearer token: send \`Authorization: Bearer <apiToken>\` — pass the configured apiToken with --token\n`,
    );
  });

  it("fails naming the URL when nothing listens there", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await status(url);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      `cannot reach ${url}/api/v1/status (ECONNREFUSED): is the daemon running? Check \`brew services list\` and its log.\n`,
    );
  });
});

describe("localAdminUrl", () => {
  it("reaches an every-interface bind through loopback and keeps specific addresses", () => {
    expect(localAdminUrl("0.0.0.0", 3250)).toBe("http://127.0.0.1:3250");
    expect(localAdminUrl("::", 3251)).toBe("http://[::1]:3251");
    expect(localAdminUrl("localhost", 3250)).toBe("http://127.0.0.1:3250");
    expect(localAdminUrl("10.0.4.2", 3250)).toBe("http://10.0.4.2:3250");
    expect(localAdminUrl("fd00::2", 3250)).toBe("http://[fd00::2]:3250");
  });
});
