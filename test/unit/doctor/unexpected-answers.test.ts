/**
 * No doctor check crashes on an answer it did not expect: GitHub (the fake, behind a proxy that
 * changes one answer) or tart answering in a shape the documentation does not promise gives a
 * FAIL or WARN that says what was seen.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CommandResult, DoctorDeps, RunCommand } from "../../../src/doctor/doctor-deps.js";
import { checkRouterGitHubApp } from "../../../src/doctor/github-app-check.js";
import { byName, fakeTart, startDoctorWorld, type DoctorWorld } from "./doctor-world.js";
import { startRewritingProxy, type Rewrite, type RewritingProxy } from "./rewriting-proxy.js";

let w: DoctorWorld;
beforeAll(async () => {
  w = await startDoctorWorld();
});
afterAll(async () => w.close());

const INSTALLATION = "/api/v3/orgs/acme/installation";

async function behind<T>(rewrite: Rewrite, use: (proxy: RewritingProxy) => Promise<T>): Promise<T> {
  const proxy = await startRewritingProxy(w.world.github.apiUrl, rewrite);
  try {
    return await use(proxy);
  } finally {
    await proxy.close();
  }
}

/** Runs the executor doctor with GitHub's answer to `path` changed by `change`. */
function doctorWith(path: string, change: (body: Record<string, unknown>) => unknown) {
  return behind(
    (_method, requested, body) =>
      requested === path ? { body: change(body as Record<string, unknown>) } : null,
    (proxy) => w.run({ github: { apiUrl: proxy.apiUrl } }),
  );
}

describe("GitHub answers of an unexpected shape", () => {
  it("FAILs the permissions check, saying so, when the installation answer has no permissions", async () => {
    const checks = await doctorWith(INSTALLATION, ({ permissions: _dropped, ...rest }) => rest);
    expect(byName(checks, "github installation")).toMatchObject({
      status: "PASS",
      detail: "installed on organization acme (installation 31337)",
    });
    expect(byName(checks, "github permissions")).toEqual({
      name: "github permissions",
      status: "FAIL",
      detail:
        "GitHub's answer for installation 31337 has no permissions object (permissions: missing), so they cannot be checked",
      hint: "open the installation's settings on GitHub and check that it was granted the App's permissions; then run doctor again",
    });
  });

  it("FAILs the permissions check with what it saw when permissions is not an object", async () => {
    const checks = await doctorWith(INSTALLATION, (body) => ({ ...body, permissions: "all" }));
    expect(byName(checks, "github permissions")).toMatchObject({
      status: "FAIL",
      detail: expect.stringContaining('(permissions: "all")') as unknown,
    });
  });

  it("reads a permission level that is not a string as not granted", async () => {
    const checks = await doctorWith(INSTALLATION, (body) => ({
      ...body,
      permissions: { organization_self_hosted_runners: 2, actions: "read" },
    }));
    expect(byName(checks, "github permissions")).toMatchObject({
      status: "FAIL",
      detail: "the installation lacks organization_self_hosted_runners: write (has none)",
    });
  });

  it("FAILs the installation check, naming the field, when the answer has no id", async () => {
    const checks = await doctorWith(INSTALLATION, ({ id: _dropped, ...rest }) => rest);
    expect(byName(checks, "github installation")).toMatchObject({ status: "FAIL" });
    expect(byName(checks, "github installation").detail).toMatch(
      /^looking up the installation on organization acme failed: GitHub's answer was not what the API documents \(id: .*number.*\)$/,
    );
    expect(checks.map((check) => check.name)).not.toContain("github permissions");
  });

  it("passes the App check on the App's id when GET /app answers without a name", async () => {
    const checks = await doctorWith("/api/v3/app", () => ["not", "an", "app"]);
    expect(byName(checks, "github app")).toMatchObject({
      status: "PASS",
      detail: `App "${w.world.github.appId}" (id ${w.world.github.appId}) accepted the JWT from github.privateKey`,
    });
    expect(byName(checks, "github permissions").status).toBe("PASS");
  });

  it("FAILs the router's deliveries check with what was wrong when the log is not a list", async () => {
    const checks = await behind(
      (_method, path) => (path === "/api/v3/app/hook/deliveries" ? { body: { deliveries: [] } } : null),
      (proxy) =>
        checkRouterGitHubApp({
          apiUrl: proxy.apiUrl,
          appId: String(w.world.github.appId),
          privateKeyPem: readFileSync(w.world.privateKeyPath, "utf8"),
        }),
    );
    expect(byName(checks, "github app").status).toBe("PASS");
    expect(byName(checks, "github deliveries")).toMatchObject({ status: "FAIL" });
    expect(byName(checks, "github deliveries").detail).toMatch(
      /^reading the App's webhook deliveries failed: GitHub's answer was not what the API documents \(the body: .*array.*\)$/,
    );
  });
});

describe("tart answers of an unexpected shape", () => {
  const answer = (stdout: string, exitCode = 0): CommandResult => ({ exitCode, stdout, stderr: "" });
  // On a Mac (the VM-limit check runs only there), with this machine's real processes for tart.
  const onMac = (): Partial<DoctorDeps> => {
    const real: RunCommand = w.deps.runCommand;
    const runCommand: RunCommand = async (file, args, options) => {
      if (file === "sw_vers") return answer("15.3\n");
      if (file === "defaults") return answer("{\n    DHCPLeaseTimeSecs = 600;\n}\n");
      return real(file, args, options);
    };
    return { platform: "darwin", runCommand };
  };

  it("WARNs, quoting the output, when `tart --version` prints no version", async () => {
    const tart = fakeTart("");
    try {
      const check = byName(await w.run({ tart: { executable: tart.executable } }), "tart");
      expect(check).toMatchObject({
        status: "WARN",
        detail: `${tart.executable} printed no version we can read ("")`,
      });
    } finally {
      tart.cleanup();
    }
  });

  it("WARNs about the VM limit with tart's answer when `tart list` prints no JSON", async () => {
    const tart = fakeTart("2.32.1", "Error: something else");
    try {
      const check = byName(await w.run({ tart: { executable: tart.executable } }, onMac()), "vm limit");
      expect(check.status).toBe("WARN");
      expect(check.detail).toMatch(/^could not list VMs: .*JSON/);
    } finally {
      tart.cleanup();
    }
  });

  it("WARNs about the VM limit when `tart list` prints JSON that is not a list", async () => {
    const tart = fakeTart("2.32.1", '{"Name":"x"}');
    try {
      const check = byName(await w.run({ tart: { executable: tart.executable } }, onMac()), "vm limit");
      expect(check).toMatchObject({
        status: "WARN",
        detail: "could not list VMs: tart list --format json did not print an array",
      });
    } finally {
      tart.cleanup();
    }
  });
});
