import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fastify, type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadRouterConfigForDoctor } from "../../../src/cli/doctor-command.js";
import type { DoctorDeps } from "../../../src/doctor/doctor-deps.js";
import { checkRouterGitHubApp } from "../../../src/doctor/github-app-check.js";
import { nodeDoctorDeps } from "../../../src/doctor/node-doctor-deps.js";
import { runRouterDoctor } from "../../../src/doctor/router-doctor.js";
import { startFakeGitHub, type FakeGitHub } from "../../../src/sim/github/fake-github.js";
import { byName } from "./doctor-world.js";

let dir: string;
let executor: FastifyInstance;
let executorUrl: string;
let misnamed: FastifyInstance;
let misnamedUrl: string;
let deps: DoctorDeps;
let github: FakeGitHub;
let keyPath: string;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "router-doctor-"));
  deps = { ...nodeDoctorDeps({ HOME: dir }), homedir: dir, platform: "linux" };
  executor = fastify();
  executor.get("/status", async () => ({ hostname: "mini-1", version: "0.1.0", freeSlots: 2 }));
  executorUrl = await executor.listen({ host: "127.0.0.1", port: 0 });
  misnamed = fastify();
  misnamed.get("/status", async () => ({ hostname: "mac-studio", version: "0.1.0", freeSlots: 0 }));
  misnamedUrl = await misnamed.listen({ host: "127.0.0.1", port: 0 });
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  keyPath = path.join(dir, "app.pem");
  writeFileSync(keyPath, pem, { mode: 0o600 });
  github = await startFakeGitHub({
    appId: 4242,
    appPrivateKeyPem: pem,
    installations: [{ id: 1, account: { login: "acme", type: "Organization" } }],
  });
});

afterAll(async () => {
  await Promise.all([executor.close(), misnamed.close(), github.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function doctor(overrides: Record<string, unknown>) {
  const file = path.join(dir, "tart-router.yaml");
  const config = {
    hostname: "router-1",
    labels: "tartelet",
    host: "127.0.0.1",
    port: await freePort(),
    webhookSecret: "a-webhook-secret-of-decent-length",
    hosts: [{ hostname: "mini-1", url: executorUrl, priority: 0 }],
    ...overrides,
  };
  writeFileSync(file, stringify(config));
  return runRouterDoctor({
    ...deps,
    config: loadRouterConfigForDoctor(file, deps),
    checkGitHub: checkRouterGitHubApp,
  });
}

describe("router doctor", () => {
  it("passes a router whose executor answers under its configured name", async () => {
    const checks = await doctor({});
    expect(checks.map((check) => [check.name, check.status])).toEqual([
      ["config", "PASS"],
      ["webhook secret", "PASS"],
      ["github app", "WARN"],
      ["api token", "PASS"],
      ["port", "PASS"],
      ["host mini-1", "PASS"],
      ["local network", "WARN"],
    ]);
    expect(byName(checks, "host mini-1").detail).toBe(
      `${executorUrl} answers: tart-executor 0.1.0, 2 free slot(s)`,
    );
  });

  it("WARNs that jobs queued while the router is down are lost without the App's credentials", async () => {
    expect(byName(await doctor({}), "github app")).toEqual({
      name: "github app",
      status: "WARN",
      detail:
        "not configured: jobs queued while the router is down are lost (GitHub does not retry failed deliveries)",
      hint: "set github.appId and github.privateKey (and github.apiUrl for GitHub Enterprise Server) to the executors' GitHub App",
    });
  });

  it("PASSes the App's key, JWT and delivery log against GitHub", async () => {
    const checks = await doctor({ github: { appId: 4242, privateKey: keyPath, apiUrl: github.apiUrl } });
    expect(checks.slice(0, 5).map((check) => [check.name, check.status])).toEqual([
      ["config", "PASS"],
      ["webhook secret", "PASS"],
      ["private key", "PASS"],
      ["github app", "PASS"],
      ["github deliveries", "PASS"],
    ]);
    expect(byName(checks, "github app").detail).toBe(
      'App "tart-executor (simulated)" (id 4242) accepted the JWT from github.privateKey',
    );
  });

  it("FAILs a key GitHub does not accept for the App, and a key it cannot read", async () => {
    const wrongApp = await doctor({ github: { appId: 4243, privateKey: keyPath, apiUrl: github.apiUrl } });
    expect(byName(wrongApp, "github app")).toMatchObject({
      status: "FAIL",
      hint: expect.stringContaining("check github.appId (4243)") as unknown,
    });
    expect(wrongApp.map((check) => check.name)).not.toContain("github deliveries");
    const missing = path.join(dir, "missing.pem");
    const noKey = await doctor({ github: { appId: 4242, privateKey: missing, apiUrl: github.apiUrl } });
    expect(byName(noKey, "private key")).toMatchObject({
      status: "FAIL",
      detail: `cannot read ${missing} (ENOENT)`,
    });
    expect(noKey.map((check) => check.name)).not.toContain("github app");
  });

  it("WARNs about executors that do not answer or answer under another name", async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const checks = await doctor({
      hosts: [
        { hostname: "mini-1", url: executorUrl, priority: 0 },
        { hostname: "mini-2", url: down, priority: 1 },
        { hostname: "mini-3", url: misnamedUrl, priority: 2 },
      ],
    });
    expect(byName(checks, "host mini-2")).toEqual({
      name: "host mini-2",
      status: "WARN",
      detail: `${down} does not answer (ECONNREFUSED)`,
      hint: "start tart-executor on that Mac (`brew services start tart-executor`), or fix hosts[1].url",
    });
    expect(byName(checks, "host mini-3")).toMatchObject({
      status: "WARN",
      detail: `${misnamedUrl} answers as "mac-studio"`,
      hint: 'set hosts[2].hostname to the executor\'s own hostname setting ("mac-studio")',
    });
    expect(checks.map((check) => check.name)).not.toContain("hosts");
  });

  it("FAILs when no executor answers", async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const checks = await doctor({ hosts: [{ hostname: "mini-2", url: down, priority: 0 }] });
    expect(byName(checks, "hosts")).toMatchObject({
      status: "FAIL",
      detail: "none of the 1 executors answers: jobs will queue until one does",
    });
  });

  it("FAILs the example's placeholder secret, a taken port and an invalid file", async () => {
    const port = await freePort();
    // Accepts connections and never answers, so the health probe gets nothing back.
    const sockets = new Set<Socket>();
    const squatter = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => squatter.listen(port, "127.0.0.1", resolve));
    try {
      const checks = await doctor({ webhookSecret: "replace-with-your-webhook-secret", port });
      expect(byName(checks, "webhook secret").status).toBe("FAIL");
      expect(byName(checks, "port")).toMatchObject({
        status: "FAIL",
        detail: `127.0.0.1:${port} is already in use by another program`,
      });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
    const invalid = await doctor({ hosts: [] });
    expect(invalid.map((check) => [check.name, check.status])).toEqual([
      ["config", "FAIL"],
      ["local network", "WARN"],
    ]);
  });
});
