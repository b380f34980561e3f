import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LedgerStore } from "../../../src/executor/ledger-store.js";
import { jobKey, type ObservedJob } from "../../../src/executor/model.js";

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), "ledger-store-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const job = (jobId: number, status: ObservedJob["status"] = "queued"): ObservedJob => ({
  repo: "Acme/App",
  jobId,
  runId: 7,
  runAttempt: 1,
  name: "build",
  htmlUrl: `https://github.com/acme/app/actions/runs/7/job/${jobId}`,
  status,
  conclusion: null,
  runnerName: null,
  spec: {
    image: "ghcr.io/cirruslabs/macos-sequoia-base:latest",
    cpu: 4,
    memoryMiB: null,
    labels: ["tartelet"],
  },
});

describe("LedgerStore", () => {
  it("keeps every acknowledged event across a reopen (no clean close, as after SIGKILL)", async () => {
    const dir = tempDir();
    const store = LedgerStore.open(dir);
    await store.append({ type: "job-observed", at: 1, deliveryId: "d1", job: job(1) });
    await store.append({ type: "job-observed", at: 2, deliveryId: "d2", job: job(2) });
    await store.append({ type: "job-observed", at: 3, deliveryId: "d3", job: job(1, "completed") });
    // no close(): the process "dies" here
    const reopened = LedgerStore.open(dir);
    expect(reopened.ledger.jobs.get(jobKey("acme/app", 1, 1))?.status).toBe("completed");
    expect(reopened.ledger.jobs.get(jobKey("acme/app", 2, 1))?.status).toBe("queued");
    expect(reopened.ledger.nextSeq).toBe(store.ledger.nextSeq);
    await reopened.close();
  });

  it("keeps a job's failed attempts and the time of the last failure (the retry backoff) across a reopen", async () => {
    for (const compactEvery of [1_000, 1]) {
      const dir = tempDir();
      const store = LedgerStore.open(dir, { compactEvery });
      await store.append({ type: "job-observed", at: 1, deliveryId: "d1", job: job(3) });
      const forJob = jobKey("acme/app", 3, 1);
      await store.append({ type: "vm-started", at: 2, vm: "vm-1", spec: job(3).spec, forJob });
      await store.append({ type: "vm-failed", at: 5_000, vm: "vm-1", reason: "boot failed" });
      const reopened = LedgerStore.open(dir);
      expect(reopened.ledger.jobs.get(forJob)).toMatchObject({
        attempts: 1,
        lastFailure: "boot failed",
        lastFailureAt: 5_000,
      });
      await reopened.close();
    }
  });

  it("writes the journal before append resolves", async () => {
    const dir = tempDir();
    const store = LedgerStore.open(dir);
    await store.append({ type: "job-observed", at: 1, deliveryId: "d1", job: job(5) });
    const journal = readFileSync(path.join(dir, "ledger.journal.jsonl"), "utf8");
    expect(journal).toContain('"deliveryId":"d1"');
    await store.close();
  });

  it("ignores a torn last line left by a crash in the middle of a write", async () => {
    const dir = tempDir();
    const store = LedgerStore.open(dir);
    await store.append({ type: "job-observed", at: 1, deliveryId: "d1", job: job(9) });
    appendFileSync(path.join(dir, "ledger.journal.jsonl"), '{"type":"job-obs');
    const reopened = LedgerStore.open(dir);
    expect(reopened.ledger.jobs.size).toBe(1);
    await reopened.close();
  });

  it("compacts the journal into a snapshot without losing state", async () => {
    const dir = tempDir();
    const store = LedgerStore.open(dir, { compactEvery: 3 });
    for (let id = 1; id <= 7; id += 1)
      await store.append({ type: "job-observed", at: id, deliveryId: `d${id}`, job: job(id) });
    const journalLines = readFileSync(path.join(dir, "ledger.journal.jsonl"), "utf8")
      .trim()
      .split("\n")
      .filter(Boolean);
    expect(journalLines.length).toBeLessThan(3);
    const reopened = LedgerStore.open(dir);
    expect(reopened.ledger.jobs.size).toBe(7);
    await reopened.close();
  });

  it("groups concurrent appends into one write", async () => {
    const dir = tempDir();
    const store = LedgerStore.open(dir);
    await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        store.append({ type: "job-observed", at: index, deliveryId: `d${index}`, job: job(100 + index) }),
      ),
    );
    expect(LedgerStore.open(dir).ledger.jobs.size).toBe(50);
  });
});
