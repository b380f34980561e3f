import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { RegisterResponse } from "../../../src/sim/runner-protocol.js";
import { generateAppKeys } from "./helpers/app-keys.js";
import { ORG, startFixture, type Fixture } from "./helpers/fixture.js";
import { call } from "./helpers/http.js";

const keys = generateAppKeys();
let f: Fixture;
let auth: string;
const runnersUrl = (): string => `${f.gh.apiUrl}/orgs/${ORG}/actions/runners`;

beforeAll(async () => {
  f = await startFixture(keys, { runnerGroups: [{ id: 7, name: "macs" }] });
  auth = await f.installationAuth();
});
afterAll(async () => {
  await f.gh.close();
});

describe("config.sh registration", () => {
  const register = (token: string, body: Record<string, unknown>) =>
    call("POST", `${f.gh.apiUrl}/actions/runner-registration`, {
      auth: `RemoteAuth ${token}`,
      body: {
        url: `${f.gh.url}/${ORG}`,
        runner_event: "register",
        labels: [],
        runnerGroup: null,
        ephemeral: false,
        replace: false,
        disableUpdate: true,
        noDefaultLabels: false,
        workFolder: "_work",
        ...body,
      },
    });

  test("registration token → runner with default labels; replace; 409 without replace", async () => {
    const issued = await call("POST", `${runnersUrl()}/registration-token`, { auth });
    expect(issued.status).toBe(201);
    const { token, expires_at } = issued.body as { token: string; expires_at: string };
    expect(token).toMatch(/^[A-Z2-7]{29}$/);
    expect(Date.parse(expires_at) - Date.now()).toBeGreaterThan(3590_000);
    const first = await register(token, {
      name: "cfg-1",
      labels: ["tart"],
      ephemeral: true,
      runnerGroup: "MACS",
    });
    expect(first.status).toBe(200);
    const { runner } = first.body as RegisterResponse;
    expect(runner).toMatchObject({
      agentName: "cfg-1",
      poolId: 7,
      ephemeral: true,
      gitHubUrl: `${f.gh.url}/${ORG}`,
    });
    const listed = await call("GET", `${runnersUrl()}/${runner.agentId}`, { auth });
    expect(
      (listed.body as { labels: Array<{ name: string; type: string }> }).labels.map(
        (l) => `${l.name}:${l.type}`,
      ),
    ).toEqual(["self-hosted:read-only", "macOS:read-only", "ARM64:read-only", "tart:custom"]);
    expect((await register(token, { name: "CFG-1", labels: ["x"] })).status).toBe(409);
    const replaced = await register(token, {
      name: "cfg-1",
      labels: ["only"],
      noDefaultLabels: true,
      replace: true,
    });
    expect(replaced.status).toBe(200);
    expect((await call("GET", `${runnersUrl()}/${runner.agentId}`, { auth })).status).toBe(404);
    expect((await register("NOTATOKEN", { name: "cfg-2" })).status).toBe(401);
    expect((await register(token, { name: "cfg-3", url: `${f.gh.url}/other-org` })).status).toBe(403);
    expect((await register(token, { name: "cfg-4", runnerGroup: "nope" })).status).toBe(404);
    const remove = await call("POST", `${runnersUrl()}/remove-token`, { auth });
    expect(remove.status).toBe(201);
    expect((await register((remove.body as { token: string }).token, { name: "cfg-5" })).status).toBe(401);
  });
});
