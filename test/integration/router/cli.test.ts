/**
 * `tart-router` as a process: --version, check-config (masked), exit 78 on a bad config, and
 * durability across SIGKILL (what was acknowledged with 202 is forwarded after a restart), then a
 * clean exit 0 on SIGTERM.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { FakeExecutor } from "./support/fake-executor.js";
import {
  eventually,
  post,
  removeTempDirs,
  SECRET,
  signedDelivery,
  tempDir,
} from "./support/router-harness.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CLI = ["--import", "tsx", path.join(ROOT, "src/cli/tart-router.ts")];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});
afterAll(removeTempDirs);

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [...CLI, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    cwd: ROOT,
  });
}

function writeConfig(text: string): string {
  const file = path.join(tempDir("tart-router-cli-"), "tart-router.yaml");
  writeFileSync(file, text);
  return file;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === "object" && address !== null ? address.port : 0;
}

function config(port: number, executorUrl: string, stateDirectory: string): string {
  return [
    "hostname: router-cli",
    "label: tartelet",
    `port: ${port}`,
    "host: 127.0.0.1",
    `stateDirectory: ${stateDirectory}`,
    "statusIntervalSeconds: 0.1",
    "hosts:",
    "  - hostname: mac-a",
    `    url: ${executorUrl}`,
    "    priority: 0",
  ].join("\n");
}

async function startDaemon(file: string, url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...CLI, "--config", file, "--log-level", "warn"], {
    env: { ...process.env, TART_ROUTER_WEBHOOK_SECRET: SECRET },
    cwd: ROOT,
    stdio: "ignore",
  });
  children.push(child);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("tart-router did not start");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("tart-router CLI", () => {
  it("prints its version and a masked config, and exits 78 on a bad config", () => {
    expect(run(["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const good = writeConfig(
      config(3251, "http://127.0.0.1:3250", "/tmp/state") + "\nwebhookSecret: s3cr3t-value\n",
    );
    const checked = run(["check-config", "--config", good]);
    expect(checked.status).toBe(0);
    expect(checked.stdout).toContain('"webhookSecret": "***"');
    expect(checked.stdout).not.toContain("s3cr3t-value");
    const bad = run([
      "check-config",
      "--config",
      writeConfig("hostname: r\nport: 1\nhosts: []\nlables: x\n"),
    ]);
    expect(bad.status).toBe(78);
    expect(bad.stderr).toContain("lables");
  });

  it("check-config reads the GitHub App's key when github is set, and names the file and key it cannot use", () => {
    const dir = tempDir("tart-router-cli-key-");
    const key = path.join(dir, "app.pem");
    const base = config(3251, "http://127.0.0.1:3250", "/tmp/state") + "\nwebhookSecret: s3cr3t-value\n";
    const withKey = (privateKey: string) =>
      writeConfig(`${base}github:\n  appId: 1234567\n  privateKey: ${privateKey}\n`);
    const missing = withKey(key);
    const refused = run(["check-config", "--config", missing]);
    expect(refused.status).toBe(78);
    expect(refused.stderr).toContain(missing);
    expect(refused.stderr).toContain("github.privateKey");
    expect(refused.stderr).toContain(`cannot read the GitHub App private key ${key}: ENOENT`);
    const body = "MIIEowIBAAKCAQEAtestonlynotarealkeybutlongenoughtolooklikeone";
    writeFileSync(key, `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\n`);
    const checked = run(["check-config", "--config", withKey(key)]);
    expect(checked.status).toBe(0);
    expect(checked.stdout).toContain(`"privateKeyPath": "${key}"`);
    expect(checked.stdout).toContain('"appId": "1234567"');
    expect(checked.stdout).not.toContain(body);
  });

  it("forwards after SIGKILL what it had acknowledged, and exits 0 on SIGTERM", async () => {
    const executor = await FakeExecutor.start({ hostname: "mac-a", secret: SECRET, freeSlots: 0 });
    try {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const file = writeConfig(config(port, executor.url, tempDir("tart-router-state-")));
      const first = await startDaemon(file, url);
      for (const id of [1, 2, 3])
        expect(
          (await post(url, signedDelivery({ action: "queued", id, labels: ["tartelet", "sequoia"] }))).status,
        ).toBe(202);
      first.kill("SIGKILL");
      await new Promise((resolve) => first.once("exit", resolve));
      executor.freeSlots = 3;
      const second = await startDaemon(file, url);
      await eventually(() => executor.accepted().length === 3);
      expect(executor.accepted()).toEqual([1, 2, 3]);
      second.kill("SIGTERM");
      const code = await new Promise((resolve) => second.once("exit", resolve));
      expect(code).toBe(0);
    } finally {
      await executor.kill();
    }
  });
});
