import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { generateAppKeys } from "./helpers/app-keys.js";
import { ORG, startFixture, type Fixture } from "./helpers/fixture.js";
import { call } from "./helpers/http.js";
import { ManualClock } from "./helpers/manual-clock.js";

const keys = generateAppKeys();
const clock = new ManualClock();
let f: Fixture;
const runners = (): string => `${f.gh.apiUrl}/orgs/${ORG}/actions/runners`;

beforeAll(async () => {
  f = await startFixture(keys, { clock, rateLimit: { limit: 6 } });
});
// A fresh rate-limit window for every test (the budget is deliberately tiny).
beforeEach(() => clock.advance(3600_000));
afterAll(async () => {
  await f.gh.close();
});

describe("rate limit", () => {
  test("x-ratelimit-* on every answer, per installation budget, 403 when spent, reset after the window", async () => {
    const auth = await f.installationAuth();
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await call("GET", runners(), { auth }));
    const remaining = results.map((r) => r.headers.get("x-ratelimit-remaining"));
    // The token request counted against the App (JWT) budget, not this installation's.
    expect(remaining).toEqual(["5", "4", "3", "2", "1", "0"]);
    expect(results[0]?.headers.get("x-ratelimit-limit")).toBe("6");
    expect(results[0]?.headers.get("x-ratelimit-used")).toBe("1");
    expect(results[0]?.headers.get("x-ratelimit-resource")).toBe("core");
    expect(Number(results[0]?.headers.get("x-ratelimit-reset"))).toBe(
      Math.ceil((clock.now() + 3600_000) / 1000),
    );
    const spent = await call("GET", runners(), { auth });
    expect(spent.status).toBe(403);
    expect(spent.body).toMatchObject({ message: "API rate limit exceeded for installation ID 1001." });
    expect(spent.headers.get("x-ratelimit-remaining")).toBe("0");
    const app = await call("GET", `${f.gh.apiUrl}/app`, { auth: f.jwt() });
    expect(app.status).toBe(200);
    clock.advance(3600_000);
    const fresh = await call("GET", runners(), { auth: await f.installationAuth() });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get("x-ratelimit-remaining")).toBe("5");
  });

  test("requests without credentials get the small anonymous budget; every answer has a request id", async () => {
    const anonymous = await call("GET", `${f.gh.apiUrl}/nothing-here`);
    expect(anonymous.status).toBe(404);
    expect(anonymous.headers.get("x-ratelimit-limit")).toBe("60");
    expect(anonymous.headers.get("x-github-request-id")).toMatch(/^[0-9A-F]+(:[0-9A-F]+){4}$/);
    const badToken = await call("GET", `${f.gh.apiUrl}/app`, { auth: "token ghs_nope" });
    expect(badToken.status).toBe(401);
    expect(badToken.headers.get("x-ratelimit-limit")).toBe("60");
    expect((await call("GET", `${f.gh.url}/api/v3?x=1`)).status).toBe(404);
  });
});

describe("faults", () => {
  test("injected 429 with retry-after and x-ratelimit-*, for N matching requests only", async () => {
    const fault = f.gh.faults.inject({
      method: "POST",
      path: /\/generate-jitconfig$/,
      times: 2,
      response: { kind: "rate-limit", status: 429, retryAfterSeconds: 7 },
    });
    const token = await f.installationAuth();
    const body = { name: "x", runner_group_id: 1, labels: ["a"] };
    const list = await call("GET", `${f.gh.url}/orgs/${ORG}/actions/runners`, { auth: token });
    expect(list.status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const limited = await call("POST", `${runners()}/generate-jitconfig`, { auth: token, body });
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toBe("7");
      expect(limited.headers.get("x-ratelimit-remaining")).not.toBeNull();
      expect((limited.body as { message: string }).message).toMatch(/secondary rate limit/);
    }
    expect(fault.fired).toBe(2);
    expect((await call("POST", `${runners()}/generate-jitconfig`, { auth: token, body })).status).toBe(201);
  });

  test("primary 403, server errors and delays", async () => {
    const token = await f.installationAuth();
    f.gh.faults.inject({
      path: "/actions/runners$",
      response: { kind: "rate-limit", status: 403, primary: true },
    });
    const primary = await call("GET", runners(), { auth: token });
    expect(primary.status).toBe(403);
    expect(primary.headers.get("x-ratelimit-remaining")).toBe("0");
    f.gh.faults.inject({ path: "/actions/runners$", response: { kind: "status", status: 502 } });
    expect((await call("GET", runners(), { auth: token })).status).toBe(502);
    f.gh.faults.inject({ path: "/actions/runners$", response: { kind: "delay", ms: 5000 } });
    const delayed = call("GET", runners(), { auth: token });
    await new Promise((resolve) => setTimeout(resolve, 50));
    clock.advance(5000);
    expect((await delayed).status).toBe(200);
  });
});

describe("request hygiene", () => {
  test("no User-Agent → 403 plain text, as GitHub answers", async () => {
    const result = await call("GET", `${f.gh.apiUrl}/app`, { auth: f.jwt(), noUserAgent: true });
    expect(result.status).toBe(403);
    expect(result.text).toMatch(
      /^Request forbidden by administrative rules\. Please make sure your request has a User-Agent header/,
    );
  });

  test("JSON bodies parse whatever the content type; broken JSON is a 400", async () => {
    const token = await f.installationAuth();
    const broken = await call("POST", `${runners()}/generate-jitconfig`, {
      auth: token,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "not json",
    });
    expect(broken.status).toBe(422);
    const raw = await fetch(`${runners()}/generate-jitconfig`, {
      method: "POST",
      headers: { authorization: token, "user-agent": "t", "content-type": "application/json" },
      body: "{oops",
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ message: "Problems parsing JSON" });
  });

  test("the request log records method, path, prefix, auth kind and status", () => {
    const log = f.gh.requests();
    expect(
      log.some(
        (r) =>
          r.method === "POST" &&
          r.path === "/app/installations/1001/access_tokens" &&
          r.authKind === "jwt" &&
          r.status === 201,
      ),
    ).toBe(true);
    expect(
      log.some(
        (r) => r.path === `/orgs/${ORG}/actions/runners` && !r.apiPrefix && r.authKind === "installation",
      ),
    ).toBe(true);
    expect(log.some((r) => r.authKind === "none" && r.status === 404)).toBe(true);
    expect(log.every((r) => r.status > 0)).toBe(true);
  });
});
