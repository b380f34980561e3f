/**
 * Durable state: SIGKILL at any instant loses nothing that was acknowledged.
 * - The executor's ledger store (dist/executor/ledger-store.js) in a child process appending
 *   events as fast as it can, with compaction every 50 events, killed at random instants again
 *   and again on the same directory: every event whose append had resolved is there on reopen.
 * - The router as a process, killed in the middle of a burst of webhooks: every delivery it
 *   answered 2xx is still in its queue after the restart.
 */
import { spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect } from "vitest";
import { stringify } from "yaml";
import { LedgerStore } from "../../../src/executor/ledger-store.js";
import { freePort } from "../../../src/sim/world/free-port.js";
import { deliveryHeaders, workflowJobPayload } from "../../helpers/rel-payloads.js";
import { PACKAGE_ROOT, startExecutorProcess } from "../../helpers/executor-process.js";
import { scenario } from "../../helpers/rel-totals.js";
import { sleep, waitFor } from "../../helpers/e2e-world.js";

const FULL = process.env["RELIABILITY_FULL"] === "1";
const KILLS = FULL ? 60 : 12;

/** Appends job-observed events forever; prints each delivery id once its append resolved. */
const APPENDER = `
import { LedgerStore } from ${JSON.stringify(pathToFileURL(path.join(PACKAGE_ROOT, "dist/executor/ledger-store.js")).href)};
const [dir, prefix] = process.argv.slice(2);
const store = LedgerStore.open(dir, { compactEvery: 50 });
const spec = { image: "ghcr.io/cirruslabs/macos-sequoia-xcode:latest", cpu: null, memoryMiB: null, labels: ["tartelet"] };
let n = 0;
for (;;) {
  const batch = [];
  for (let i = 0; i < 8; i += 1) {
    n += 1;
    const deliveryId = prefix + "-" + n;
    const job = { repo: "acme/app", jobId: Number(prefix) * 1e6 + n, runId: 1, runAttempt: 1, name: "build",
      htmlUrl: null, status: "queued", conclusion: null, runnerName: null, spec };
    batch.push(store.append({ type: "job-observed", at: Date.now(), deliveryId, job }).then(() => deliveryId));
  }
  for (const id of await Promise.all(batch)) process.stdout.write(id + "\\n");
}
`;

export function describeDurability(): void {
  describe.concurrent("durable state", () => {
    scenario(
      `executor ledger: SIGKILL at ${KILLS} random instants (compaction included) loses no acknowledged event`,
      120_000,
      async (t) => {
        const dir = mkdtempSync(path.join(tmpdir(), "tart-rel-ledger-"));
        t.defer(() => rmSync(dir, { recursive: true, force: true }));
        const script = path.join(dir, "appender.mjs");
        writeFileSync(script, APPENDER);
        const ledgerDir = path.join(dir, "ledger");
        const acknowledged = new Set<string>();
        for (let round = 1; round <= KILLS; round += 1) {
          const child = spawn(process.execPath, [script, ledgerDir, String(round)], {
            stdio: ["ignore", "pipe", "pipe"],
          });
          let partial = "";
          let stderr = "";
          let printed = 0;
          child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
            const lines = (partial + chunk).split("\n");
            partial = lines.pop() ?? "";
            for (const line of lines) {
              if (line === "") continue;
              acknowledged.add(line);
              printed += 1;
            }
          });
          child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
          const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
          // Let it open (replay + compact) and append for a random while, then pull the plug.
          const deadline = Date.now() + 10_000;
          while (printed === 0 && Date.now() < deadline && child.exitCode === null) await sleep(10);
          expect(stderr, "the appender failed").toBe("");
          await sleep(randomInt(0, 150));
          child.kill("SIGKILL");
          t.fault();
          await closed;
        }
        const store = LedgerStore.open(ledgerDir);
        const kept = new Set([...store.ledger.jobs.values()].flatMap((job) => job.deliveries));
        await store.close();
        const lost = [...acknowledged].filter((id) => !kept.has(id));
        t.figure("acknowledged events", acknowledged.size);
        t.figure("lost", lost.length);
        expect(acknowledged.size).toBeGreaterThan(KILLS * 8);
        expect(lost).toEqual([]);
      },
    );

    scenario(
      "router: SIGKILL during a burst of webhooks loses no acknowledged delivery",
      90_000,
      async (t) => {
        const dir = mkdtempSync(path.join(tmpdir(), "tart-rel-router-"));
        t.defer(() => rmSync(dir, { recursive: true, force: true }));
        const port = await freePort();
        const secret = "durable-router-secret";
        const configPath = path.join(dir, "tart-router.yaml");
        writeFileSync(
          configPath,
          stringify({
            hostname: "router-1",
            labels: "tartelet",
            host: "127.0.0.1",
            port,
            // Nobody there: every job stays in the router's own durable queue.
            hosts: [{ hostname: "mini-1", url: "http://127.0.0.1:9", priority: 0 }],
            webhookSecret: secret,
            stateDirectory: path.join(dir, "state"),
            logging: { level: "info" },
            statusIntervalSeconds: 1,
            forwardTimeoutSeconds: 1,
            hostBackoff: { initialSeconds: 1, maxSeconds: 5 },
          }),
        );
        const start = () =>
          startExecutorProcess({
            configPath,
            env: { HOME: dir },
            daemon: "tart-router",
            startTimeoutMs: 30_000,
          });
        const router = await start();
        t.defer(async () => {
          await router.crash();
        });
        const acknowledged: number[] = [];
        const send = async (id: number): Promise<void> => {
          const body = JSON.stringify(
            workflowJobPayload({ action: "queued", id, labels: ["tartelet", "xcode"] }),
          );
          try {
            const response = await fetch(`http://127.0.0.1:${port}/webhook`, {
              method: "POST",
              headers: deliveryHeaders(body, secret),
              body,
              signal: AbortSignal.timeout(5_000),
            });
            await response.arrayBuffer();
            if (response.status >= 200 && response.status < 300) acknowledged.push(id);
          } catch {
            // the router died under this request: not acknowledged
          }
        };
        const burst = Array.from({ length: 400 }, (_, i) => 50_000 + i);
        const sending = (async () => {
          for (let i = 0; i < burst.length; i += 8) await Promise.all(burst.slice(i, i + 8).map(send));
        })();
        // Killed mid-burst: once it has acknowledged a few (a loaded machine may take a while for
        // the first), at a random moment after that.
        await waitFor(() => acknowledged.length >= 5, 20_000, "the router to acknowledge deliveries");
        await sleep(randomInt(0, 300));
        await router.crash();
        t.fault();
        await sending;
        const restarted = await start();
        t.defer(async () => {
          await restarted.crash();
        });
        const status = (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as {
          counts: { queued: number };
          jobs: Array<{ job: string }>;
        };
        const keys = new Set(status.jobs.map((job) => job.job));
        const lost = acknowledged.filter((id) => ![...keys].some((key) => key.includes(`#${id}#`)));
        t.figure("acknowledged before the kill", acknowledged.length);
        t.figure("lost", lost.length);
        expect(acknowledged.length).toBeGreaterThan(0);
        expect(acknowledged.length).toBeLessThan(burst.length);
        expect(lost).toEqual([]);
      },
    );
  });
}
