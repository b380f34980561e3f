import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/clock.js";
import { GitHubAppClient } from "../../../src/github/github-app-client.js";
import { startFakeGitHub, type FakeGitHub } from "../../../src/sim/github/fake-github.js";

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const privateKeyPem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();

let fake: FakeGitHub | undefined;
let receiver: Server | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  receiver = undefined;
});

describe("GitHubAppClient (the App alone, as tart-router uses it) against the fake GitHub", () => {
  it("lists the failed workflow_job deliveries and has them sent again, with no installation at all", async () => {
    let status = 503;
    const received: string[] = [];
    receiver = createServer((request, response) => {
      received.push(String(request.headers["x-github-delivery"]));
      request.resume();
      request.on("end", () => response.writeHead(status).end());
    });
    await new Promise<void>((resolve) => receiver?.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook`;
    fake = await startFakeGitHub({
      appId: 1001,
      appPrivateKeyPem: privateKeyPem,
      // The App is installed on acme (jobs come from there), but the client never asks for it.
      installations: [{ id: 77, account: { login: "acme", type: "Organization" } }],
      webhook: { url, secret: "s3cret-webhook" },
    });
    const client = new GitHubAppClient({
      appId: "1001",
      privateKeyPem,
      apiUrl: fake.apiUrl,
      clock: systemClock,
      userAgent: "tart-router-tests",
      retry: { maxAttempts: 1 },
    });
    const before = Date.now() - 60_000;
    fake.dispatcher.enqueueJob({ repo: "acme/app", labels: ["tartelet"] });
    fake.dispatcher.enqueueJob({ repo: "acme/app", labels: ["tartelet"] });
    await fake.dispatcher.deliveriesIdle();
    const failed = await client.failedDeliveries(before);
    expect(failed.map((delivery) => delivery.guid)).toEqual(received);
    // Only deliveries since the given time count.
    expect(await client.failedDeliveries(Date.now() + 60_000)).toEqual([]);
    status = 202;
    for (const delivery of failed) await client.redeliver(delivery.id);
    await fake.dispatcher.deliveriesIdle();
    expect(received.slice(2)).toEqual(failed.map((delivery) => delivery.guid));
    expect(await client.failedDeliveries(before)).toEqual([]);
    const paths = (fake.requests() ?? []).map((request) => `${request.method} ${request.path}`);
    expect(paths.filter((p) => /installation/.test(p))).toEqual([]);
  });
});
