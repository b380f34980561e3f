import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { generateAppKeys } from "./helpers/app-keys.js";
import { ORG, USER, USER_INSTALLATION, startFixture, type Fixture } from "./helpers/fixture.js";
import { call } from "./helpers/http.js";

const keys = generateAppKeys();
let f: Fixture;
let auth: string;
const runnersUrl = (): string => `${f.gh.apiUrl}/orgs/${ORG}/actions/runners`;

beforeAll(async () => {
  f = await startFixture(keys, {
    runnerGroups: [{ id: 7, name: "macs" }],
    runnerPackage: () => [
      { path: "run.sh", content: "#!/bin/sh\necho run\n", mode: 0o755 },
      { path: "bin/Runner.Listener", content: "listener", mode: 0o755 },
    ],
  });
  auth = await f.installationAuth();
});
afterAll(async () => {
  await f.gh.close();
});

describe("runner groups and downloads", () => {
  test("org runner groups: Default (id 1) and configured ones", async () => {
    const result = await call("GET", `${f.gh.apiUrl}/orgs/${ORG}/actions/runner-groups`, { auth });
    expect(result.body).toMatchObject({
      total_count: 2,
      runner_groups: [
        { id: 1, name: "Default", default: true },
        { id: 7, name: "macs", default: false },
      ],
    });
  });

  test("downloads list points at the fake, and the tarball matches its sha256", async () => {
    const list = await call("GET", `${runnersUrl()}/downloads`, { auth });
    const osx = (list.body as Array<Record<string, string>>).find(
      (d) => d["os"] === "osx" && d["architecture"] === "arm64",
    );
    expect(osx).toMatchObject({
      filename: "actions-runner-osx-arm64-2.336.0.tar.gz",
      download_url: `${f.gh.url}/_sim/downloads/actions-runner-osx-arm64-2.336.0.tar.gz`,
    });
    const response = await fetch(osx?.["download_url"] ?? "");
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(osx?.["sha256_checksum"]);
    const dir = mkdtempSync(path.join(tmpdir(), "gh-dl-"));
    try {
      writeFileSync(path.join(dir, "runner.tar.gz"), bytes);
      execFileSync("tar", ["-xzf", "runner.tar.gz"], { cwd: dir });
      expect(readFileSync(path.join(dir, "run.sh"), "utf8")).toContain("echo run");
      expect(statSync(path.join(dir, "bin/Runner.Listener")).mode & 0o777).toBe(0o755);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const userAuth = await f.installationAuth(USER_INSTALLATION);
    expect(
      (await call("GET", `${f.gh.apiUrl}/repos/${USER}/tools/actions/runners/downloads`, { auth: userAuth }))
        .status,
    ).toBe(200);
  });
});

describe("default runner package", () => {
  test("the tarball is built from src/sim/guest/runner-package.ts when nothing is injected", async () => {
    const plain = await startFixture(keys);
    try {
      const token = await plain.installationAuth();
      const list = await call("GET", `${plain.gh.apiUrl}/orgs/${ORG}/actions/runners/downloads`, {
        auth: token,
      });
      const osx = (list.body as Array<Record<string, string>>).find((d) =>
        d["filename"]?.includes("osx-arm64"),
      );
      expect(osx?.["sha256_checksum"]).toMatch(/^[0-9a-f]{64}$/);
      const bytes = Buffer.from(await (await fetch(osx?.["download_url"] ?? "")).arrayBuffer());
      const names = execFileSync("tar", ["-tzf", "-"], { input: bytes }).toString().split("\n");
      expect(names).toEqual(expect.arrayContaining(["./run.sh", "./config.sh", "./bin/Runner.Listener"]));
    } finally {
      await plain.gh.close();
    }
  });
});
