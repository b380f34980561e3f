import { afterEach, describe, expect, test } from "vitest";
import type { FakeGitHubOptions } from "../../../src/sim/github/fake-github.js";
import { generateAppKeys } from "./helpers/app-keys.js";
import { ORG, startFixture, type Fixture } from "./helpers/fixture.js";
import { call } from "./helpers/http.js";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";

const keys = generateAppKeys();
let f: Fixture | undefined;
const receivers: WebhookReceiver[] = [];

async function setup(
  options: Partial<FakeGitHubOptions> = {},
  urls = 1,
): Promise<{ f: Fixture; rx: WebhookReceiver[] }> {
  const rx = await Promise.all(Array.from({ length: urls }, () => startWebhookReceiver()));
  receivers.push(...rx);
  f = await startFixture(keys, { webhook: { url: rx.map((r) => r.url), secret: "s" }, ...options });
  return { f, rx };
}

afterEach(async () => {
  if (f !== undefined) {
    expect(f.gh.internalErrors()).toEqual([]);
    await f.gh.close();
  }
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  f = undefined;
});

const enqueue = (f: Fixture, options: Record<string, unknown> = {}) =>
  f.gh.dispatcher.enqueueJob({ repo: `${ORG}/app`, labels: ["nobody"], ...options });

describe("knobs", () => {
  test("drop: never arrives, listed as failed; redelivery through the API recovers it with the same GUID", async () => {
    const { f, rx } = await setup();
    const job = enqueue(f, { delivery: { drop: true } });
    await f.gh.dispatcher.deliveriesIdle();
    expect(rx[0]?.received).toEqual([]);
    const auth = f.jwt();
    const listed = await call("GET", `${f.gh.apiUrl}/app/hook/deliveries`, { auth });
    const [failed] = listed.body as Array<{
      id: number;
      guid: string;
      status_code: number;
      action: string;
      redelivery: boolean;
    }>;
    expect(failed).toMatchObject({ action: "queued", redelivery: false });
    expect(failed?.status_code).not.toBe(202);
    const again = await call("POST", `${f.gh.apiUrl}/app/hook/deliveries/${failed?.id}/attempts`, { auth });
    expect(again.status).toBe(202);
    const [arrived] = await (rx[0] as WebhookReceiver).waitFor(1);
    expect(arrived?.guid).toBe(failed?.guid);
    expect((arrived?.body["workflow_job"] as { id: number }).id).toBe(job.id);
    await f.gh.dispatcher.deliveriesIdle();
    const after = (await call("GET", `${f.gh.apiUrl}/app/hook/deliveries`, { auth })).body as Array<
      Record<string, unknown>
    >;
    expect(after[0]).toMatchObject({ guid: failed?.guid, redelivery: true, status_code: 202, status: "OK" });
    expect((await call("POST", `${f.gh.apiUrl}/app/hook/deliveries/999/attempts`, { auth })).status).toBe(
      404,
    );
  });

  test("duplicate with the same or a new GUID, and delay", async () => {
    const { f, rx } = await setup();
    enqueue(f, { delivery: { duplicate: "same-guid" } });
    enqueue(f, { delivery: { duplicate: "new-guid" } });
    const received = await (rx[0] as WebhookReceiver).waitFor(4);
    expect(received[0]?.guid).toBe(received[1]?.guid);
    expect(received[2]?.guid).not.toBe(received[3]?.guid);
    expect(received[2]?.raw.equals(received[3]?.raw ?? Buffer.alloc(0))).toBe(true);
    const started = Date.now();
    enqueue(f, { delivery: { delayMs: 250 } });
    await (rx[0] as WebhookReceiver).waitFor(5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  test("reorder: the next N deliveries are held and released shuffled by the injected random", async () => {
    // random() = 0 makes Fisher-Yates rotate: [a, b, c] → [b, c, a].
    const { f, rx } = await setup({ random: () => 0 });
    f.gh.dispatcher.holdNext(3);
    const jobs = [enqueue(f), enqueue(f), enqueue(f)];
    const received = await (rx[0] as WebhookReceiver).waitFor(3);
    expect(received.map((d) => (d.body["workflow_job"] as { id: number }).id)).toEqual([
      jobs[1]?.id,
      jobs[2]?.id,
      jobs[0]?.id,
    ]);
  });

  test("rules match event, action and job, for a number of times; cancel knobs apply to its completed", async () => {
    const { f, rx } = await setup();
    f.gh.dispatcher.addDeliveryRule({ match: { action: "queued" }, drop: true, times: 1 });
    const dropped = enqueue(f);
    const kept = enqueue(f);
    f.gh.dispatcher.cancelJob(kept.id, { drop: true });
    await f.gh.dispatcher.deliveriesIdle();
    const ids = (rx[0] as WebhookReceiver).received.map((d) => [
      (d.body["workflow_job"] as { id: number }).id,
      d.action,
    ]);
    expect(ids).toEqual([[kept.id, "queued"]]);
    expect(
      f.gh
        .deliveries()
        .filter((d) => d.state === "dropped")
        .map((d) => d.jobId),
    ).toEqual([dropped.id, kept.id]);
  });
});

describe("delivery log", () => {
  test("failures are recorded with GitHub's status wording; cursor pagination; one delivery in full", async () => {
    const { f, rx } = await setup();
    (rx[0] as WebhookReceiver).status = 500;
    for (let i = 0; i < 3; i++) enqueue(f);
    await f.gh.dispatcher.deliveriesIdle();
    const auth = f.jwt();
    const first = await call("GET", `${f.gh.apiUrl}/app/hook/deliveries?per_page=2`, { auth });
    const page = first.body as Array<{ id: number; status: string; status_code: number }>;
    expect(page.map((d) => [d.status, d.status_code])).toEqual([
      ["Invalid HTTP Response: 500", 500],
      ["Invalid HTTP Response: 500", 500],
    ]);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get("link") ?? "")?.[1];
    expect(next).toBe(`${f.gh.apiUrl}/app/hook/deliveries?per_page=2&cursor=v1_${page[1]?.id}`);
    const second = await call("GET", next ?? "", { auth });
    expect((second.body as unknown[]).length).toBe(1);
    expect(second.headers.get("link")).toBeNull();
    const success = await call("GET", `${f.gh.apiUrl}/app/hook/deliveries?status=success`, { auth });
    expect(success.body).toEqual([]);
    const full = await call("GET", `${f.gh.apiUrl}/app/hook/deliveries/${page[0]?.id}`, { auth });
    expect(full.body).toMatchObject({
      id: page[0]?.id,
      request: { payload: { action: "queued" } },
      response: { payload: "ok" },
    });
  });

  test("several URLs each get the delivery under one GUID; unreachable URL is a failed delivery", async () => {
    const { f, rx } = await setup({}, 2);
    enqueue(f);
    const [a] = await (rx[0] as WebhookReceiver).waitFor(1);
    const [b] = await (rx[1] as WebhookReceiver).waitFor(1);
    expect(a?.guid).toBe(b?.guid);
    expect(a?.headers["x-github-hook-id"]).not.toBe(b?.headers["x-github-hook-id"]);
    await rx[1]?.close();
    enqueue(f);
    await f.gh.dispatcher.deliveriesIdle();
    const last = f.gh.deliveries().at(-1);
    expect(last).toMatchObject({ state: "sent", statusCode: null });
    expect(last?.status).toMatch(/fetch failed|ECONNREFUSED/);
  });

  test("sendRaw sends any event, with forged headers if asked", async () => {
    const { f, rx } = await setup();
    f.gh.dispatcher.sendRaw({
      event: "push",
      payload: { ref: "main" },
      headers: { "x-hub-signature-256": "sha256=00" },
    });
    const [d] = await (rx[0] as WebhookReceiver).waitFor(1);
    expect(d).toMatchObject({ event: "push", body: { ref: "main" } });
    expect(d?.headers["x-hub-signature-256"]).toBe("sha256=00");
  });
});
