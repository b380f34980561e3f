/**
 * What an operator can observe — /healthz, /metrics, /status — and what must never be observable:
 * after a full job at `logging.level: trace`, no secret appears in anything the executor wrote
 * (stdout, stderr, every file of its state directory).
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeJitConfig } from "../../../src/sim/runner-protocol.js";
import { simImageSchema } from "../../../src/sim/sim-config.js";
import { startRecordingProxy, type RecordingProxy } from "../../helpers/e2e-github-proxy.js";
import {
  diagnoseFailures,
  get,
  IMAGE_WITH_RUNNER,
  sendSigned,
  startE2eWorld,
  waitFor,
  type E2eWorld,
} from "../../helpers/e2e-world.js";
import type { ExecutorProcess, ProcessExit } from "../../helpers/executor-process.js";

const SSH_PASSWORD = "guest-ssh-pass-e2e-4d7f0b";
const WEBHOOK_SECRET = "webhook-secret-e2e-9a31c5e7";

let world: E2eWorld;
let proxy: RecordingProxy;
let executor: ExecutorProcess;
let exit: ProcessExit;
let health: { status: number; text: string };
let metricsAfterJob: string;
let metricsContentType: string;
let statusAfterJob: Record<string, unknown>;

diagnoseFailures(() => world);

beforeAll(async () => {
  world = await startE2eWorld({
    webhookSecret: WEBHOOK_SECRET,
    sim: {
      images: { [IMAGE_WITH_RUNNER]: simImageSchema.parse({ hasRunner: true, password: SSH_PASSWORD }) },
    },
  });
  proxy = await startRecordingProxy(world.github.url);
  executor = await world.startExecutor({
    logging: { level: "trace" },
    tart: { ssh: { password: SSH_PASSWORD } },
    github: { apiUrl: proxy.apiUrl },
  });
  // A rejected delivery and a full job, so that error paths and the whole VM life are logged.
  await sendSigned(
    `${executor.url}/webhook`,
    "workflow_job",
    { action: "queued" },
    { secret: "wrong-secret" },
  );
  const job = world.queue(["tartelet", IMAGE_WITH_RUNNER]);
  expect((await job.settled(40_000)).conclusion).toBe("success");
  await waitFor(() => executor.logs().some((line) => line.msg === "vm deleted"), 20_000, "the VM deleted");
  health = await get(`${executor.url}/healthz`);
  const metrics = await get(`${executor.url}/metrics`);
  metricsAfterJob = metrics.text;
  metricsContentType = metrics.contentType;
  statusAfterJob = JSON.parse((await get(`${executor.url}/status`)).text) as Record<string, unknown>;
  exit = await executor.stop("SIGTERM", 30_000);
}, 90_000);

afterAll(async () => {
  await proxy?.close();
  await world?.close();
});

describe("observability", () => {
  it("answers /healthz with 200", () => {
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toEqual({ status: "ok" });
  });

  it("exposes Prometheus metrics with HELP and TYPE, the VM limit, pending jobs, webhooks, jobs and phase durations", () => {
    expect(metricsContentType).toMatch(/^text\/plain/);
    for (const [name, type] of [
      ["tart_executor_virtual_machine_limit", "gauge"],
      ["tart_executor_pending_jobs", "gauge"],
      ["tart_executor_webhooks_total", "counter"],
      ["tart_executor_jobs_total", "counter"],
      ["tart_executor_phase_duration_seconds", "histogram"],
    ]) {
      expect(metricsAfterJob).toMatch(new RegExp(`^# HELP ${name} \\S`, "m"));
      expect(metricsAfterJob).toContain(`# TYPE ${name} ${type}`);
    }
    expect(metricsAfterJob).toMatch(/^tart_executor_virtual_machine_limit\{[^}]*\} 2$/m);
    expect(metricsAfterJob).toMatch(/^tart_executor_pending_jobs\{[^}]*\} 0$/m);
    expect(metricsAfterJob).toMatch(/^tart_executor_webhooks_total\{[^}]*outcome="accepted"[^}]*\} [1-9]/m);
    expect(metricsAfterJob).toMatch(/^tart_executor_webhooks_total\{[^}]*outcome="unauthorized"[^}]*\} 1$/m);
    expect(metricsAfterJob).toMatch(
      /^tart_executor_phase_duration_seconds_count\{[^}]*phase="clone"[^}]*\} 1$/m,
    );
  });

  it('counts the served job in tart_executor_jobs_total{outcome="served"}', () => {
    expect(metricsAfterJob).toMatch(/^tart_executor_jobs_total\{[^}]*outcome="served"[^}]*\} 1$/m);
  });

  it('counts the finished VM in tart_executor_vms_total{outcome="completed"}', () => {
    expect(metricsAfterJob).toMatch(/^tart_executor_vms_total\{[^}]*outcome="completed"[^}]*\} 1$/m);
  });

  it('observes the time the job waited for its VM as phase="queue_wait"', () => {
    expect(metricsAfterJob).toMatch(
      /^tart_executor_phase_duration_seconds_count\{[^}]*phase="queue_wait"[^}]*\} 1$/m,
    );
  });

  it("reports its state on /status", () => {
    expect(statusAfterJob).toMatchObject({
      hostname: "mini-1",
      virtualMachineLimit: 2,
      activeVirtualMachines: 0,
      pendingJobs: 0,
      vms: [],
    });
  });
});

describe("secrets", () => {
  it("the executor exits 0 on SIGTERM after the job", () => {
    expect(exit.code).toBe(0);
  });

  it("never appear in stdout, stderr or any file of the state directory, even at trace level", () => {
    const exchanges = proxy.exchanges();
    const installationTokens = exchanges
      .filter((e) => /\/app\/installations\/\d+\/access_tokens$/.test(e.url) && e.status === 201)
      .map((e) => (JSON.parse(e.responseBody) as { token: string }).token);
    const presented = exchanges.flatMap((e) => {
      const auth = e.requestHeaders.authorization;
      return typeof auth === "string" ? [auth.replace(/^(token|bearer)\s+/i, "")] : [];
    });
    const jitConfigs = exchanges
      .filter((e) => e.url.endsWith("/generate-jitconfig") && e.status === 201)
      .map((e) => (JSON.parse(e.responseBody) as { encoded_jit_config: string }).encoded_jit_config);
    const runnerCredentials = jitConfigs.map((jit) => decodeJitConfig(jit).credentials.data.token);
    const pemLines = readFileSync(world.privateKeyPath, "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("-----"));
    expect(installationTokens.length).toBeGreaterThanOrEqual(1);
    expect(jitConfigs).toHaveLength(1);
    expect(pemLines.length).toBeGreaterThan(10);

    const secrets: Record<string, string[]> = {
      "webhook secret": [WEBHOOK_SECRET],
      "installation token": installationTokens,
      "Authorization credential (installation token or App JWT)": [...new Set(presented)],
      "JIT config": jitConfigs,
      "runner credential inside the JIT config": runnerCredentials,
      "SSH password": [SSH_PASSWORD],
      "private key PEM line": pemLines,
    };
    const sources: Array<[string, Buffer]> = [
      ["stdout+stderr", Buffer.from(executor.output())],
      ...world.filesUnder(world.stateDir).map((file): [string, Buffer] => [file, readFileSync(file)]),
    ];
    expect(sources.length).toBeGreaterThan(2);
    expect(executor.logs().some((line) => line.level === "trace" || line.level === "debug")).toBe(true);
    const leaks: string[] = [];
    for (const [kind, values] of Object.entries(secrets))
      for (const value of values)
        for (const [source, bytes] of sources) if (bytes.includes(value)) leaks.push(`${kind} in ${source}`);
    expect(leaks).toEqual([]);
  });
});
