import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import type { Clock } from "../../../src/clock.js";
import type { FailedDelivery } from "../../../src/github/github-app-client.js";
import { REDELIVERY_WINDOW_MS } from "../../../src/github/redeliver-missed-webhooks.js";
import { createLogger } from "../../../src/observability/logger.js";
import {
  knownDeliveries,
  LAST_ALIVE_FILE,
  readLastAlive,
  recoverySince,
  startMissedDeliveryRecovery,
  writeLastAlive,
} from "../../../src/router/missed-deliveries.js";
import { applyRouterEvent, emptyRouterState } from "../../../src/router/router-ledger.js";
import { delivery, policy } from "./support/fixtures.js";

const NOW = Date.parse("2026-03-02T12:00:00Z");
const clock: Clock = { now: () => NOW, sleep: () => Promise.resolve() };
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "router-alive-"));
  dirs.push(dir);
  return dir;
}
const log = createLogger({
  level: "debug",
  pretty: false,
  destination: new Writable({ write: (_c, _e, done) => done() }),
});

/** A router state that has seen deliveries queued-1 and queued-2. */
const state = [delivery(NOW - 1000, 1, "queued"), delivery(NOW - 500, 2, "queued")].reduce(
  applyRouterEvent,
  emptyRouterState(policy(), NOW - 2000),
);

describe("when the router was last alive", () => {
  it("looks back to a little before then, but never further than the window", () => {
    expect(recoverySince(null, NOW)).toBe(NOW - REDELIVERY_WINDOW_MS);
    expect(recoverySince(NOW - 3600_000, NOW)).toBe(NOW - 3600_000 - 5 * 60_000);
    expect(recoverySince(NOW - 7 * 3600_000, NOW)).toBe(NOW - REDELIVERY_WINDOW_MS);
  });

  it("is kept in router.alive.json; a missing or damaged file counts as unknown", async () => {
    const dir = tempDir();
    expect(readLastAlive(dir)).toBeNull();
    await writeLastAlive(dir, NOW);
    expect(readLastAlive(dir)).toBe(NOW);
    expect(JSON.parse(readFileSync(path.join(dir, LAST_ALIVE_FILE), "utf8"))).toEqual({
      at: NOW,
      time: "2026-03-02T12:00:00.000Z",
    });
    writeFileSync(path.join(dir, LAST_ALIVE_FILE), '{"at":');
    expect(readLastAlive(dir)).toBeNull();
  });

  it("knows the delivery GUIDs its state holds", () => {
    expect([...knownDeliveries(state)].sort()).toEqual(["queued-1", "queued-2"]);
  });
});

describe("startMissedDeliveryRecovery", () => {
  function github(failed: FailedDelivery[] | Error) {
    const calls = { since: [] as number[], redelivered: [] as number[] };
    return {
      calls,
      client: {
        failedDeliveries: async (sinceMs: number) => {
          calls.since.push(sinceMs);
          if (failed instanceof Error) throw failed;
          return failed;
        },
        redeliver: async (id: number) => void calls.redelivered.push(id),
      },
    };
  }

  it("redelivers what the state does not hold, then records that the router is alive", async () => {
    const dir = tempDir();
    const gh = github([
      { id: 11, guid: "queued-1", deliveredAt: NOW - 900 },
      { id: 12, guid: "queued-3", deliveredAt: NOW - 800 },
    ]);
    const recovery = startMissedDeliveryRecovery({
      stateDirectory: dir,
      lastAlive: NOW - 600_000,
      github: gh.client,
      state: () => state,
      clock,
      log,
    });
    expect(await recovery.redelivered).toBe(1);
    expect(gh.calls).toEqual({ since: [NOW - 600_000 - 300_000], redelivered: [12] });
    await recovery.stop();
    expect(readLastAlive(dir)).toBe(NOW);
  });

  it("does not move the last-alive time while GitHub could not be asked, so the next start looks back as far", async () => {
    const dir = tempDir();
    await writeLastAlive(dir, NOW - 3600_000);
    const recovery = startMissedDeliveryRecovery({
      stateDirectory: dir,
      lastAlive: readLastAlive(dir),
      github: github(new Error("GitHub is down")).client,
      state: () => state,
      clock,
      log,
    });
    expect(await recovery.redelivered).toBe(0);
    await recovery.stop();
    expect(readLastAlive(dir)).toBe(NOW - 3600_000);
  });

  it("without App credentials still records when the router was alive", async () => {
    const dir = tempDir();
    const recovery = startMissedDeliveryRecovery({
      stateDirectory: dir,
      lastAlive: null,
      github: null,
      state: () => state,
      clock,
      log,
    });
    expect(await recovery.redelivered).toBe(0);
    await recovery.stop();
    expect(existsSync(path.join(dir, LAST_ALIVE_FILE))).toBe(true);
    expect(readLastAlive(dir)).toBe(NOW);
  });
});
