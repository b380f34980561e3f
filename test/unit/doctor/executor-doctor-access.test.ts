import { generateKeyPairSync } from "node:crypto";
import { chmodSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import path from "node:path";
import { fastify } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerExecutorAdminRoutes } from "../../../src/admin/admin-routes.js";
import { fakeExecutorPort } from "../admin/fake-admin-ports.js";
import { byName, startDoctorWorld, type DoctorWorld } from "./doctor-world.js";

let w: DoctorWorld;
beforeAll(async () => {
  w = await startDoctorWorld();
});
afterAll(async () => w.close());

async function listen(server: Server, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
}

describe("executor doctor: credentials, GitHub, port and access", () => {
  it("FAILs a private key other users can read, and still checks the App with it", async () => {
    chmodSync(w.world.privateKeyPath, 0o644);
    try {
      const checks = await w.run();
      expect(byName(checks, "private key")).toEqual({
        name: "private key",
        status: "FAIL",
        detail: `${w.world.privateKeyPath} can be read by other users (mode 0644)`,
        hint: `chmod 600 ${w.world.privateKeyPath}`,
      });
      expect(byName(checks, "github app").status).toBe("PASS");
    } finally {
      chmodSync(w.world.privateKeyPath, 0o600);
    }
  });

  it("FAILs a missing private key and skips the GitHub checks", async () => {
    const missing = path.join(w.world.root, "missing.pem");
    const checks = await w.run({ github: { privateKey: missing } });
    expect(byName(checks, "private key")).toMatchObject({
      status: "FAIL",
      detail: `cannot read ${missing} (ENOENT)`,
    });
    expect(checks.map((check) => check.name)).not.toContain("github app");
  });

  it("FAILs when GitHub rejects the JWT of a key that is not the App's", async () => {
    const other = path.join(w.world.root, "other-app.pem");
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(other, privateKey.export({ type: "pkcs1", format: "pem" }), { mode: 0o600 });
    const checks = await w.run({ github: { privateKey: other } });
    const app = byName(checks, "github app");
    expect(app).toMatchObject({
      status: "FAIL",
      detail: "GitHub rejected the App's JWT: A JSON web token could not be decoded",
    });
    expect(app.hint).toContain("check github.appId (424242)");
    expect(checks.map((check) => check.name)).not.toContain("github installation");
  });

  it("FAILs when the GitHub API cannot be reached", async () => {
    const server = createServer();
    await listen(server, 0);
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const app = byName(await w.run({ github: { apiUrl: `http://127.0.0.1:${port}` } }), "github app");
    expect(app.status).toBe("FAIL");
    expect(app.detail).toMatch(new RegExp(`^cannot reach http://127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED`));
  });

  it("FAILs a webhook port another program holds, and passes one the running executor holds", async () => {
    const port = w.world.executorPorts[0]!;
    // A program that accepts connections and never answers (so the health probe times out).
    const sockets = new Set<Socket>();
    const squatter = createServer((socket) => void sockets.add(socket));
    await listen(squatter, port);
    try {
      expect(byName(await w.run(), "webhook port")).toEqual({
        name: "webhook port",
        status: "FAIL",
        detail: `127.0.0.1:${port} is already in use by another program`,
        hint: `find it with \`lsof -nP -iTCP:${port} -sTCP:LISTEN\`, stop it, or change webhook.host/webhook.port`,
      });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
    const daemon = fastify();
    registerExecutorAdminRoutes(daemon, fakeExecutorPort(), { token: null, exposed: false });
    await daemon.listen({ host: "127.0.0.1", port });
    try {
      expect(byName(await w.run(), "webhook port")).toMatchObject({
        status: "PASS",
        detail: `127.0.0.1:${port} is held by the running tart-executor 0.1.0 (mac-mini-1)`,
      });
    } finally {
      await daemon.close();
    }
  });

  it("FAILs without SSH credentials and WARNs when only the password would work", async () => {
    const missingKey = path.join(w.world.root, "vm_ed25519");
    const none = byName(await w.run({ tart: { ssh: { password: null, privateKey: missingKey } } }), "ssh");
    expect(none).toMatchObject({
      status: "FAIL",
      detail: `no SSH credentials: key ${missingKey} cannot be read (ENOENT) and no password is set`,
    });
    const fallback = byName(await w.run({ tart: { ssh: { privateKey: missingKey } } }), "ssh");
    expect(fallback.status).toBe("WARN");
  });

  it("WARNs when the API listens on every interface without a token", async () => {
    const token = byName(await w.run({ webhook: { host: "0.0.0.0" } }), "api token");
    expect(token.status).toBe("WARN");
    expect(
      byName(await w.run({ webhook: { host: "0.0.0.0" }, apiToken: "a-long-random-token" }), "api token")
        .status,
    ).toBe("PASS");
  });
});
