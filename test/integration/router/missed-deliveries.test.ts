/**
 * Jobs queued while the router was down: the real router daemon in-process, the fake GitHub's App
 * webhook pointing at it, and a fake executor behind it. At start the router asks GitHub (as the
 * App) for the deliveries that failed and has those it does not know sent again.
 */
import { generateKeyPairSync } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { RouterConfig } from "../../../src/config/router-config.js";
import { LAST_ALIVE_FILE, readLastAlive } from "../../../src/router/missed-deliveries.js";
import { startFakeGitHub, type FakeGitHub } from "../../../src/sim/github/fake-github.js";
import { freePort } from "../../../src/sim/world/free-port.js";
import { FakeExecutor } from "./support/fake-executor.js";
import {
  eventually,
  removeTempDirs,
  routerConfig,
  SECRET,
  startRouter,
  stateDir,
  TOKEN,
  type Harness,
} from "./support/router-harness.js";

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const APP_ID = 4242;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(removeTempDirs);

interface World {
  readonly github: FakeGitHub;
  readonly executor: FakeExecutor;
  readonly port: number;
  readonly dir: string;
  readonly config: RouterConfig;
  start(config?: RouterConfig): Promise<Harness>;
  queue(options?: { drop?: boolean }): number;
}

async function world(options: { github?: boolean } = {}): Promise<World> {
  const port = await freePort();
  const github = await startFakeGitHub({
    appId: APP_ID,
    appPrivateKeyPem: pem,
    installations: [{ id: 31337, account: { login: "acme", type: "Organization" } }],
    webhook: { url: `http://127.0.0.1:${port}/webhook`, secret: SECRET },
  });
  cleanups.push(() => github.close());
  const executor = await FakeExecutor.start({
    hostname: "mac-a",
    secret: SECRET,
    token: TOKEN,
    freeSlots: 2,
  });
  cleanups.push(() => executor.kill());
  const dir = stateDir();
  const keyPath = path.join(dir, "..", `${path.basename(dir)}-app.pem`);
  writeFileSync(keyPath, pem, { mode: 0o600 });
  const base = routerConfig([{ hostname: "mac-a", url: executor.url, priority: 0 }], dir);
  const config: RouterConfig =
    options.github === false
      ? base
      : { ...base, github: { appId: String(APP_ID), privateKeyPath: keyPath, apiUrl: github.apiUrl } };
  return {
    github,
    executor,
    port,
    dir,
    config,
    async start(chosen = config) {
      const harness = await startRouter(chosen, {
        listen: { host: "127.0.0.1", port },
        ...(chosen.github === undefined ? {} : { privateKeyPem: pem }),
      });
      // A test may have closed it already (a restart).
      cleanups.push(() => harness.daemon.close("test over").catch(() => undefined));
      return harness;
    },
    queue: (knobs = {}) =>
      github.dispatcher.enqueueJob({
        repo: "acme/app",
        labels: ["self-hosted", "tartelet"],
        ...(knobs.drop === true ? { delivery: { drop: true } } : {}),
      }).id,
  };
}

const failedGuid = (github: FakeGitHub, jobId: number): string => {
  const record = github.deliveries().find((d) => d.jobId === jobId && d.action === "queued");
  if (record === undefined || record.statusCode !== null) throw new Error(`job ${jobId} was delivered`);
  return record.guid;
};

describe("tart-router recovers deliveries missed while it was down", () => {
  it("asks GitHub to redeliver a job queued while it was down, and forwards it", async () => {
    const w = await world();
    const jobId = w.queue();
    await w.github.dispatcher.deliveriesIdle();
    const guid = failedGuid(w.github, jobId);
    const { daemon, lines } = await w.start();
    expect(await daemon.redelivered).toBe(1);
    await eventually(() =>
      w.executor.received.some((r) => r.jobId === jobId && r.headers["x-github-delivery"] === guid),
    );
    await w.github.dispatcher.deliveriesIdle();
    expect(w.github.deliveries().filter((d) => d.redelivery)).toMatchObject([{ guid, statusCode: 202 }]);
    await eventually(() => readLastAlive(w.dir) !== null);
    // Neither the key nor the App's JWT is ever logged.
    const log = lines.join("");
    expect(log).toContain("asked GitHub to redeliver missed webhooks");
    expect(log).not.toMatch(/eyJ[\w-]+\.eyJ/);
    for (const line of pem.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----")))
      expect(log).not.toContain(line);
  });

  it("skips failed deliveries its queue already has; after a restart looks back to when it was last alive", async () => {
    const w = await world();
    const first = await w.start();
    expect(await first.daemon.redelivered).toBe(0);
    // Two deliveries GitHub could not hand over; the router got the first one anyway (here: from the test).
    const known = w.queue({ drop: true });
    const missed = w.queue({ drop: true });
    await w.github.dispatcher.deliveriesIdle();
    const knownRecord = w.github.deliveries().find((d) => d.jobId === known);
    if (knownRecord === undefined) throw new Error("no delivery for the known job");
    const response = await fetch(`http://127.0.0.1:${w.port}/webhook`, {
      method: "POST",
      headers: knownRecord.headers,
      body: knownRecord.body,
    });
    expect(response.status).toBe(202);
    await first.daemon.close("restart");
    const lastAlive = readLastAlive(w.dir);
    expect(lastAlive).not.toBeNull();

    const second = await w.start();
    expect(await second.daemon.redelivered).toBe(1);
    const missedGuid = failedGuid(w.github, missed);
    expect(w.github.deliveries().filter((d) => d.redelivery)).toMatchObject([{ guid: missedGuid }]);
    await eventually(() => w.executor.received.some((r) => r.jobId === missed));
    expect(w.executor.received.filter((r) => r.jobId === known)).toHaveLength(1);
  });

  it("without a github section: warns which keys to set, recovers nothing, still records when it was alive", async () => {
    const w = await world({ github: false });
    w.queue();
    await w.github.dispatcher.deliveriesIdle();
    const { daemon, lines } = await w.start();
    expect(await daemon.redelivered).toBe(0);
    const warning = lines
      .map((line) => JSON.parse(line) as { level: string; msg: string })
      .find((line) => line.msg.startsWith("no GitHub App configured"));
    expect(warning?.level).toBe("warn");
    expect(warning?.msg).toContain("jobs queued while tart-router was down cannot be recovered");
    expect(warning?.msg).toContain("github.appId and github.privateKey");
    await eventually(() => existsSync(path.join(w.dir, LAST_ALIVE_FILE)));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(w.executor.received).toEqual([]);
    expect(w.github.deliveries().filter((d) => d.redelivery)).toEqual([]);
  });
});
