import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { appJwt, generateAppKeys, signJwt } from "./helpers/app-keys.js";
import {
  APP_ID,
  ORG,
  ORG_INSTALLATION,
  USER,
  USER_INSTALLATION,
  startFixture,
  type Fixture,
} from "./helpers/fixture.js";
import { call } from "./helpers/http.js";
import { ManualClock } from "./helpers/manual-clock.js";

const keys = generateAppKeys();
const otherKeys = generateAppKeys();
const clock = new ManualClock();
let f: Fixture;

beforeAll(async () => {
  f = await startFixture(keys, { clock, clientId: "Iv23liFakeClient01" });
});
afterAll(async () => {
  await f.gh.close();
});

const nowS = (): number => Math.floor(clock.now() / 1000);
const getApp = (auth: string) => call("GET", `${f.gh.apiUrl}/app`, { auth });
const message = (body: unknown): unknown => (body as { message?: unknown }).message;

describe("App JWT", () => {
  test("accepts RS256 with iss = App id (number or string) or client id, any Bearer casing", async () => {
    for (const iss of [APP_ID, String(APP_ID), "Iv23liFakeClient01"]) {
      const token = signJwt(keys.privateKey, { iat: nowS() - 60, exp: nowS() + 540, iss });
      expect((await getApp(`Bearer ${token}`)).status).toBe(200);
      expect((await getApp(`bearer ${token}`)).status).toBe(200);
    }
  });

  test("answers GitHub's 401 bodies for bad signatures, wrong iss and wrong algorithms", async () => {
    const decode = {
      message: "A JSON web token could not be decoded",
      documentation_url: "https://docs.github.com/rest",
    };
    const wrongKey = signJwt(otherKeys.privateKey, { iat: nowS(), exp: nowS() + 300, iss: APP_ID });
    const wrongIss = signJwt(keys.privateKey, { iat: nowS(), exp: nowS() + 300, iss: APP_ID + 1 });
    const hs256 = signJwt(keys.privateKey, { iat: nowS(), exp: nowS() + 300, iss: APP_ID }, { alg: "HS256" });
    for (const token of [wrongKey, wrongIss, hs256, "abc.def.ghi"]) {
      const result = await getApp(`Bearer ${token}`);
      expect(result.status).toBe(401);
      expect(result.body).toMatchObject(decode);
    }
  });

  test("exp at most 10 minutes ahead of the server clock; expired and future iat refused", async () => {
    const tooFar = signJwt(keys.privateKey, { iat: nowS(), exp: nowS() + 601, iss: APP_ID });
    expect(message((await getApp(`Bearer ${tooFar}`)).body)).toBe(
      "'Expiration time' claim ('exp') is too far in the future",
    );
    const limit = signJwt(keys.privateKey, { iat: nowS() - 60, exp: nowS() + 600, iss: APP_ID });
    expect((await getApp(`Bearer ${limit}`)).status).toBe(200);
    const expired = signJwt(keys.privateKey, { iat: nowS() - 700, exp: nowS() - 1, iss: APP_ID });
    const result = await getApp(`Bearer ${expired}`);
    expect(result.status).toBe(401);
    expect(message(result.body)).toMatch(/^'Expiration time' claim \('exp'\) must be a numeric value/);
    const future = signJwt(keys.privateKey, { iat: nowS() + 30, exp: nowS() + 300, iss: APP_ID });
    expect(message((await getApp(`Bearer ${future}`)).body)).toMatch(
      /^'Issued at' claim \('iat'\) must be an Integer/,
    );
  });

  test("judges time by the injected clock and reports it in the Date header", async () => {
    const signedAtRealTime = appJwt(keys.privateKey, APP_ID, Date.UTC(2030, 0, 1));
    expect((await getApp(`Bearer ${signedAtRealTime}`)).status).toBe(401);
    const result = await getApp(f.jwt(clock.now()));
    expect(result.status).toBe(200);
    expect(Date.parse(result.headers.get("date") ?? "")).toBe(Math.floor(clock.now() / 1000) * 1000);
  });

  test("JWT-only routes refuse installation tokens; installation routes refuse JWTs", async () => {
    const installation = await f.installationAuth();
    const onJwtRoute = await call("GET", `${f.gh.apiUrl}/app/installations`, { auth: installation });
    expect(onJwtRoute.status).toBe(401);
    expect(message(onJwtRoute.body)).toBe("A JSON web token could not be decoded");
    const onRunnerRoute = await call("GET", `${f.gh.apiUrl}/orgs/${ORG}/actions/runners`, {
      auth: f.jwt(clock.now()),
    });
    expect(onRunnerRoute.status).toBe(403);
    expect(message(onRunnerRoute.body)).toBe("Resource not accessible by integration");
    const anonymous = await call("GET", `${f.gh.apiUrl}/app/installations`);
    expect(anonymous.status).toBe(401);
  });
});

describe("installations", () => {
  test("list, get and lookups by org, repo and user match logins case-insensitively", async () => {
    const auth = f.jwt(clock.now());
    const list = await call("GET", `${f.gh.apiUrl}/app/installations`, { auth });
    expect((list.body as Array<{ id: number }>).map((i) => i.id)).toEqual([
      ORG_INSTALLATION,
      USER_INSTALLATION,
    ]);
    const byOrg = await call("GET", `${f.gh.url}/orgs/${ORG.toUpperCase()}/installation`, { auth });
    expect(byOrg.body).toMatchObject({ id: ORG_INSTALLATION, app_id: APP_ID, target_type: "Organization" });
    const byRepo = await call("GET", `${f.gh.apiUrl}/repos/${ORG.toLowerCase()}/anything/installation`, {
      auth,
    });
    expect(byRepo.body).toMatchObject({ id: ORG_INSTALLATION, account: { login: ORG } });
    const byUser = await call("GET", `${f.gh.apiUrl}/users/${USER.toUpperCase()}/installation`, { auth });
    expect(byUser.body).toMatchObject({ id: USER_INSTALLATION, repository_selection: "selected" });
    const userRepo = await call("GET", `${f.gh.apiUrl}/repos/${USER}/TOOLS/installation`, { auth });
    expect(userRepo.status).toBe(200);
    for (const path of [
      `/repos/${USER}/other/installation`,
      "/orgs/nobody/installation",
      "/app/installations/77",
    ]) {
      const missing = await call("GET", `${f.gh.apiUrl}${path}`, { auth });
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ message: "Not Found" });
    }
  });
});

describe("installation tokens", () => {
  test("201 with ghs_ token valid one hour, accepted as Bearer or token, then Bad credentials", async () => {
    const result = await call("POST", `${f.gh.apiUrl}/app/installations/${ORG_INSTALLATION}/access_tokens`, {
      auth: f.jwt(clock.now()),
    });
    expect(result.status).toBe(201);
    const body = result.body as { token: string; expires_at: string; repository_selection: string };
    expect(body.token).toMatch(/^ghs_[A-Za-z0-9]{36}$/);
    expect(Date.parse(body.expires_at)).toBe(clock.now() + 3600_000);
    expect(body.repository_selection).toBe("all");
    const runners = `${f.gh.apiUrl}/orgs/${ORG}/actions/runners`;
    expect((await call("GET", runners, { auth: `Bearer ${body.token}` })).status).toBe(200);
    expect((await call("GET", runners, { auth: `token ${body.token}` })).status).toBe(200);
    clock.advance(3600_000);
    const expired = await call("GET", runners, { auth: `token ${body.token}` });
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({
      message: "Bad credentials",
      documentation_url: "https://docs.github.com/rest",
    });
  });

  test("narrowing: repositories and permissions never beyond the installation", async () => {
    const narrowed = await f.installationAuth(ORG_INSTALLATION, {
      repositories: ["svc"],
      permissions: { actions: "read" },
    });
    const other = await call("GET", `${f.gh.apiUrl}/repos/${ORG}/other/actions/jobs/1`, { auth: narrowed });
    expect(other.status).toBe(404);
    const runners = await call("GET", `${f.gh.apiUrl}/repos/${ORG}/svc/actions/runners`, { auth: narrowed });
    expect(runners.status).toBe(403);
    expect(runners.headers.get("x-accepted-github-permissions")).toBe("administration=read");
    const beyond = await call("POST", `${f.gh.apiUrl}/app/installations/${USER_INSTALLATION}/access_tokens`, {
      auth: f.jwt(clock.now()),
      body: { permissions: { organization_self_hosted_runners: "write" } },
    });
    expect(beyond.status).toBe(422);
    const notSelected = await call(
      "POST",
      `${f.gh.apiUrl}/app/installations/${USER_INSTALLATION}/access_tokens`,
      {
        auth: f.jwt(clock.now()),
        body: { repositories: ["secret-repo"] },
      },
    );
    expect(notSelected.status).toBe(422);
  });

  test("an installation token only reaches its own account", async () => {
    const userToken = await f.installationAuth(USER_INSTALLATION);
    const orgRunners = await call("GET", `${f.gh.apiUrl}/orgs/${ORG}/actions/runners`, { auth: userToken });
    expect(orgRunners.status).toBe(403);
    const unselected = await call("GET", `${f.gh.apiUrl}/repos/${USER}/other/actions/runners`, {
      auth: userToken,
    });
    expect(unselected.status).toBe(404);
    const selected = await call("GET", `${f.gh.apiUrl}/repos/${USER}/tools/actions/runners`, {
      auth: userToken,
    });
    expect(selected.status).toBe(200);
  });
});
