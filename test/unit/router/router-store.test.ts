import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RouterStore } from "../../../src/router/router-store.js";
import { capacity, delivery, key, policy } from "./support/fixtures.js";

const dirs: string[] = [];
const dir = (): string => {
  const made = mkdtempSync(path.join(tmpdir(), "router-store-"));
  dirs.push(made);
  return made;
};
afterAll(() => {
  for (const made of dirs) rmSync(made, { recursive: true, force: true });
});
const NOW = 1_000_000;

describe("RouterStore", () => {
  it("makes an event durable before append resolves, and replays it after a crash", async () => {
    const state = dir();
    const store = RouterStore.open(state, policy(), NOW);
    await store.append(delivery(NOW, 1, "queued"));
    await store.append({ type: "host-answered", at: NOW, host: "mac-a", capacity: capacity(2) });
    await store.append({ type: "forward-started", at: NOW, job: key(1), host: "mac-a", kind: "dispatch" });
    const journal = readdirSync(state).find((name) => name.endsWith(".jsonl"))!;
    expect(readFileSync(path.join(state, journal), "utf8").trim().split("\n")).toHaveLength(3);
    // No close(): the process "died" here.
    const reopened = RouterStore.open(state, policy(), NOW + 10);
    const job = reopened.state.jobs.get(key(1));
    expect(job).toMatchObject({ owner: "mac-a", ownerConfirmed: false, inFlightTo: null, status: "queued" });
    expect(job?.dispatch?.body).toBe(store.state.jobs.get(key(1))?.dispatch?.body);
    expect(reopened.state.hosts.get("mac-a")).toMatchObject({ up: false, downSince: NOW + 10 });
    await reopened.close();
  });

  it("groups appends made in one tick into one write", async () => {
    const state = dir();
    const store = RouterStore.open(state, policy(), NOW);
    await Promise.all([1, 2, 3, 4].map((id) => store.append(delivery(NOW, id, "queued"))));
    await store.flush();
    await store.close();
    const reopened = RouterStore.open(state, policy(), NOW);
    expect(reopened.state.awaiting).toEqual([1, 2, 3, 4].map(key));
    expect(reopened.state.nextSeq).toBe(5);
    await reopened.close();
  });

  it("ignores a torn last line", async () => {
    const state = dir();
    const store = RouterStore.open(state, policy(), NOW);
    await store.append(delivery(NOW, 1, "queued"));
    const journal = readdirSync(state).find((name) => name.endsWith(".jsonl"))!;
    appendFileSync(path.join(state, journal), '{"type":"delivery","at":');
    const reopened = RouterStore.open(state, policy(), NOW);
    expect([...reopened.state.jobs.keys()]).toEqual([key(1)]);
    await reopened.close();
  });

  it("compacts into a snapshot and keeps one journal", async () => {
    const state = dir();
    const store = RouterStore.open(state, policy(), NOW, { compactBytes: 2_000 });
    for (let id = 1; id <= 20; id += 1) await store.append(delivery(NOW, id, "queued"));
    await store.close();
    expect(readdirSync(state).filter((name) => name.endsWith(".jsonl"))).toHaveLength(1);
    const reopened = RouterStore.open(state, policy(), NOW);
    expect(reopened.state.jobs.size).toBe(20);
    await reopened.close();
  });

  it("resolves flush at once when nothing is pending", async () => {
    const store = RouterStore.open(dir(), policy(), NOW);
    await expect(store.flush()).resolves.toBeUndefined();
    await store.close();
  });
});
