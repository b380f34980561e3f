/**
 * A fake GitHub with its fake Actions service attached, and scale-set listeners wired to real
 * durable ledgers (temp dirs), all over loopback HTTP.
 */
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino, { type Logger } from "pino";
import { systemClock } from "../../../src/clock.js";
import { LedgerStore } from "../../../src/executor/ledger-store.js";
import { jobKey, type ObservedJob } from "../../../src/executor/model.js";
import { GitHubClient } from "../../../src/github/github-client.js";
import type { MatchRules } from "../../../src/github/label-matcher.js";
import { ActionsConnection, type Fetch } from "../../../src/scaleset/actions-connection.js";
import { ScaleSetListener, type ScaleSetListenerDeps } from "../../../src/scaleset/scaleset-listener.js";
import {
  startFakeActionsService,
  type FakeActionsService,
  type FakeActionsServiceOptions,
} from "../../../src/sim/actions-service/actions-service.js";
import { startFakeGitHub, type FakeGitHub } from "../../../src/sim/github/fake-github.js";

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
export const privateKeyPem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();

export const ORG = "acme";
export const RULES: MatchRules = {
  requiredLabels: ["tart"],
  aliases: { sequoia: "ghcr.io/cirruslabs/macos-sequoia-base:latest" },
  allow: [],
  defaultCpu: null,
  defaultMemoryMiB: null,
};
export const LABELS = ["tart", "sequoia"];

export interface Host {
  readonly store: LedgerStore;
  readonly listener: ScaleSetListener;
  readonly logs: Array<Record<string, unknown>>;
  /** Every record() call's outcome, in order, with when it became durable. */
  readonly recorded: Array<{ deliveryId: string; status: string; jobId: number; durableAt: number }>;
  /** Slots this host says are free (the test moves it). */
  slots: number;
  readonly stop: () => Promise<void>;
  readonly done: Promise<void>;
}

export interface ScaleSetWorld {
  readonly github: FakeGitHub;
  readonly service: FakeActionsService;
  readonly client: GitHubClient;
  connection(fetchImpl?: Fetch): ActionsConnection;
  startHost(name: string, options?: { slots?: number; deps?: Partial<ScaleSetListenerDeps> }): Host;
  close(): Promise<void>;
}

export async function startScaleSetWorld(options: FakeActionsServiceOptions = {}): Promise<ScaleSetWorld> {
  const github = await startFakeGitHub({
    appId: 1001,
    appPrivateKeyPem: privateKeyPem,
    installations: [{ id: 77, account: { login: ORG, type: "Organization" } }],
  });
  const service = await startFakeActionsService({ github, pollWaitMs: 300, ...options });
  const client = new GitHubClient({
    appId: "1001",
    privateKeyPem,
    apiUrl: github.apiUrl,
    scope: { kind: "organization", org: ORG },
    clock: systemClock,
    userAgent: "tart-executor-tests",
  });
  const dirs: string[] = [];
  const hosts: Host[] = [];
  const connection = (fetchImpl: Fetch = fetch): ActionsConnection =>
    new ActionsConnection({
      fetch: fetchImpl,
      clock: systemClock,
      apiUrl: github.apiUrl,
      githubConfigUrl: `${github.url}/${ORG}`,
      registrationToken: (signal) => client.createRegistrationToken(signal),
    });
  return {
    github,
    service,
    client,
    connection,
    startHost: (name, hostOptions = {}) => {
      const dir = mkdtempSync(path.join(tmpdir(), "scaleset-ledger-"));
      dirs.push(dir);
      const store = LedgerStore.open(dir);
      const logs: Array<Record<string, unknown>> = [];
      const log: Logger = pino(
        { level: "debug", base: null },
        { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
      );
      const recorded: Host["recorded"] = [];
      const record = async (deliveryId: string, job: ObservedJob): Promise<"recorded" | "duplicate"> => {
        const existing = store.ledger.jobs.get(jobKey(job.repo, job.jobId, job.runAttempt));
        if (existing?.deliveries.includes(deliveryId) === true) {
          recorded.push({ deliveryId, status: "duplicate", jobId: job.jobId, durableAt: Date.now() });
          return "duplicate";
        }
        await store.append({ type: "job-observed", at: Date.now(), deliveryId, job });
        recorded.push({ deliveryId, status: job.status, jobId: job.jobId, durableAt: Date.now() });
        return "recorded";
      };
      const controller = new AbortController();
      const host: Host = {
        store,
        logs,
        recorded,
        slots: hostOptions.slots ?? 2,
        listener: undefined as unknown as ScaleSetListener,
        stop: async () => {
          if (controller.signal.aborted) return;
          controller.abort();
          await host.done;
          await store.close();
        },
        done: Promise.resolve(),
      };
      const listener = new ScaleSetListener({
        connection: connection(),
        desired: { name, runnerGroup: "default", labels: LABELS },
        owner: name,
        rules: RULES,
        record,
        freeSlots: () => host.slots,
        clock: systemClock,
        random: () => 0.5,
        log,
        backoff: { baseMs: 50, maxMs: 400 },
        pollTimeoutMs: 5000,
        ...hostOptions.deps,
      });
      Object.assign(host, { listener, done: listener.run(controller.signal) });
      hosts.push(host);
      return host;
    },
    close: async () => {
      for (const host of hosts) await host.stop().catch(() => undefined);
      await service.close();
      await github.close();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Re-checks `probe` every 20 ms (ledgers and listeners do not notify the fake) until it holds or `timeoutMs` passes. */
export async function until<T>(
  probe: () => T | undefined | null | false,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
