import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startExecutorDaemon, type ExecutorDaemon } from "../../../src/cli/executor-daemon.js";
import { loadExecutorConfig } from "../../../src/config/index.js";
import { createLogger } from "../../../src/observability/logger.js";
import {
  IMAGE_WITH_RUNNER,
  SIM_ORG,
  simTartExecutable,
  startSimWorld,
  type SimWorld,
} from "../../../src/sim/world/sim-world.js";

let world: SimWorld;
let daemon: ExecutorDaemon;
const lines: string[] = [];

beforeAll(async () => {
  world = await startSimWorld();
  const file = world.writeExecutorConfig(0);
  const config = loadExecutorConfig(file, {
    env: {},
    homedir: world.root,
    readFile: (f) => readFileSync(f, "utf8"),
  });
  daemon = await startExecutorDaemon({
    config,
    tartExecutable: simTartExecutable,
    privateKeyPem: readFileSync(world.privateKeyPath, "utf8"),
    env: { PATH: process.env["PATH"] ?? "" },
    log: createLogger({
      level: "info",
      pretty: false,
      destination: new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }),
    }),
  });
});
afterAll(async () => {
  await daemon.close("test done");
  await world.close();
});

describe("GitHub without JIT runner configs (GHES before 3.10)", () => {
  it("falls back to a registration token and config.sh, and still leaves no runner behind", async () => {
    world.github.faults.inject({
      method: "POST",
      path: /generate-jitconfig$/,
      times: 100,
      response: { kind: "status", status: 404, message: "Not Found" },
    });
    const job = world.github.dispatcher.enqueueJob({
      repo: `${SIM_ORG}/app`,
      labels: ["tartelet", IMAGE_WITH_RUNNER],
      durationMs: 200,
    });
    const view = await job.settled(60_000);
    expect(view.conclusion).toBe("success");
    expect(view.runner?.name).toMatch(/^tart-executor-mini-1-/);
    const requests = world.github.requests().map((request) => `${request.method} ${request.path}`);
    expect(requests.some((request) => /POST .*\/registration-token$/.test(request))).toBe(true);
    expect(lines.join("")).toContain("using registration tokens");
    for (let waited = 0; daemon.executor.ledger.vms.size > 0 && waited < 20_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(daemon.executor.ledger.vms.size).toBe(0);
    expect(world.github.runners(SIM_ORG)).toEqual([]);
    expect(lines.join("")).not.toMatch(/"level":"error"/);
  });
});
