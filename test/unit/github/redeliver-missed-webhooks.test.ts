import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { FailedDelivery } from "../../../src/github/github-app-client.js";
import { redeliverMissedWebhooks } from "../../../src/github/redeliver-missed-webhooks.js";
import { createLogger } from "../../../src/observability/logger.js";

function logger() {
  const lines: Array<{ level: string; msg: string } & Record<string, unknown>> = [];
  const log = createLogger({
    level: "debug",
    pretty: false,
    destination: new Writable({
      write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()),
    }),
  });
  return { log, lines };
}

const delivery = (id: number): FailedDelivery => ({ id, guid: `guid-${id}`, deliveredAt: 1000 + id });

function github(failed: FailedDelivery[] | Error, refuse: readonly number[] = []) {
  const asked: number[] = [];
  const since: number[] = [];
  return {
    asked,
    since,
    client: {
      failedDeliveries: async (sinceMs: number) => {
        since.push(sinceMs);
        if (failed instanceof Error) throw failed;
        return failed;
      },
      redeliver: async (id: number) => {
        if (refuse.includes(id)) throw Object.assign(new Error("Not Found"), { status: 404 });
        asked.push(id);
      },
    },
  };
}

describe("redeliverMissedWebhooks", () => {
  it("asks again for the failed deliveries the daemon has not seen, oldest first", async () => {
    const gh = github([delivery(1), delivery(2), delivery(3)]);
    const { log, lines } = logger();
    const outcome = await redeliverMissedWebhooks({
      github: gh.client,
      seen: (guid) => guid === "guid-2",
      sinceMs: 500,
      log,
    });
    expect(outcome).toEqual({ redelivered: 2, complete: true });
    expect(gh.since).toEqual([500]);
    expect(gh.asked).toEqual([1, 3]);
    expect(lines.at(-1)).toMatchObject({
      level: "info",
      msg: "asked GitHub to redeliver missed webhooks",
      count: 2,
      deliveries: ["guid-1", "guid-3"],
    });
  });

  it("goes on after one redelivery fails, and says the recovery is incomplete", async () => {
    const gh = github([delivery(1), delivery(2)], [1]);
    const { log, lines } = logger();
    const outcome = await redeliverMissedWebhooks({ github: gh.client, seen: () => false, sinceMs: 0, log });
    expect(outcome).toEqual({ redelivered: 1, complete: false });
    expect(gh.asked).toEqual([2]);
    expect(lines.find((line) => line.level === "warn")).toMatchObject({
      msg: "could not ask GitHub to redeliver a webhook",
      delivery: "guid-1",
    });
  });

  it("never throws: a failed listing is logged and nothing is asked for", async () => {
    const gh = github(new Error("connect ECONNREFUSED"));
    const { log, lines } = logger();
    const outcome = await redeliverMissedWebhooks({ github: gh.client, seen: () => false, sinceMs: 0, log });
    expect(outcome).toEqual({ redelivered: 0, complete: false });
    expect(lines).toMatchObject([{ level: "warn", msg: "could not recover missed webhook deliveries" }]);
  });

  it("has nothing to say when nothing was missed", async () => {
    const { log, lines } = logger();
    const outcome = await redeliverMissedWebhooks({
      github: github([]).client,
      seen: () => false,
      sinceMs: 0,
      log,
    });
    expect(outcome).toEqual({ redelivered: 0, complete: true });
    expect(lines).toEqual([]);
  });
});
