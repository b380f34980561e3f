/** The real router daemon in-process on 127.0.0.1:0, in front of fake executors, with signed deliveries. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { startRouterDaemon, type RouterDaemon } from "../../../../src/cli/router-daemon.js";
import type { RouterConfig, RouterHostConfig } from "../../../../src/config/router-config.js";
import { signWebhookBody } from "../../../../src/github/webhook-signature.js";
import { createLogger } from "../../../../src/observability/logger.js";
import { workflowJobPayload } from "../../../helpers/workflow-job-payload.js";

export const SECRET = "router-webhook-secret";
export const TOKEN = "executor-shared-token";

export function routerConfig(hosts: readonly RouterHostConfig[], stateDirectory: string): RouterConfig {
  return {
    hostname: "router-1",
    labels: ["tartelet"],
    host: "127.0.0.1",
    port: 3251,
    hosts,
    webhookSecret: SECRET,
    insecureSkipSignatureVerification: false,
    executorToken: TOKEN,
    stateDirectory,
    logging: { level: "debug" },
    statusIntervalMs: 100,
    forwardTimeoutMs: 400,
    hostBackoff: { initialMs: 100, maxMs: 400 },
    maxBodyBytes: 1_048_576,
  };
}

const tempDirs: string[] = [];

/** A fresh directory, removed by removeTempDirs(). */
export function tempDir(prefix = "tart-router-test-"): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export const stateDir = (): string => tempDir();

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface Harness {
  readonly daemon: RouterDaemon;
  readonly lines: string[];
}

export async function startRouter(
  config: RouterConfig,
  options: { listen?: { host: string; port: number }; privateKeyPem?: string } = {},
): Promise<Harness> {
  const lines: string[] = [];
  const log = createLogger({
    level: "debug",
    pretty: false,
    destination: new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }),
  });
  const daemon = await startRouterDaemon({
    config,
    log,
    listen: options.listen ?? { host: "127.0.0.1", port: 0 },
    processMetrics: false,
    ...(options.privateKeyPem === undefined ? {} : { privateKeyPem: options.privateKeyPem }),
  });
  return { daemon, lines };
}

export interface Delivery {
  readonly body: string;
  readonly headers: Record<string, string>;
}

let deliveryCounter = 0;

export function signedDelivery(options: Parameters<typeof workflowJobPayload>[0], secret = SECRET): Delivery {
  deliveryCounter += 1;
  const body = JSON.stringify(workflowJobPayload(options));
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-github-event": "workflow_job",
      "x-github-delivery": `delivery-${process.pid}-${deliveryCounter}`,
      "x-github-hook-id": "42",
      "x-github-hook-installation-target-type": "integration",
      "x-github-hook-installation-target-id": "7",
      "user-agent": "GitHub-Hookshot/test",
      "x-hub-signature-256": signWebhookBody(secret, body),
    },
  };
}

export async function post(url: string, delivery: Delivery): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { method: "POST", headers: delivery.headers, body: delivery.body });
  return { status: response.status, body: await response.json() };
}

/** Polls `condition` until it holds (or fails after `timeoutMs`). */
export async function eventually(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
