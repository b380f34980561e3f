import { afterEach, describe, expect, it } from "vitest";
import { byName, startDoctorWorld, type DoctorWorld } from "./doctor-world.js";

const worlds: DoctorWorld[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((world) => world.close()));
});

async function worldWith(installation: { login: string; permissions?: Record<string, "read" | "write"> }) {
  const world = await startDoctorWorld({
    fakeGitHub: {
      installations: [
        {
          id: 31337,
          account: { login: installation.login, type: "Organization" },
          ...(installation.permissions === undefined ? {} : { permissions: installation.permissions }),
        },
      ],
    },
  });
  worlds.push(world);
  return world;
}

describe("GitHub App checks against the fake GitHub", () => {
  it("FAILs when the App is not installed on the organization, with the install link", async () => {
    const world = await worldWith({ login: "someone-else" });
    const checks = await world.run();
    expect(byName(checks, "github app").status).toBe("PASS");
    expect(byName(checks, "github installation")).toEqual({
      name: "github installation",
      status: "FAIL",
      detail: "the App is not installed on organization acme",
      hint: `install it from ${world.world.github.url}/apps/tart-executor-sim/installations/new; the name must match the GitHub login (github.organizationName / ownerName)`,
    });
    expect(checks.map((check) => check.name)).not.toContain("github permissions");
  });

  it("FAILs an organization installation that may only read self-hosted runners", async () => {
    const world = await worldWith({
      login: "acme",
      permissions: { actions: "read", metadata: "read", organization_self_hosted_runners: "read" },
    });
    expect(byName(await world.run(), "github permissions")).toEqual({
      name: "github permissions",
      status: "FAIL",
      detail: "the installation lacks organization_self_hosted_runners: write (has read)",
      hint: "in the App's settings grant Organization permissions › Self-hosted runners: Read and write, then accept the new permissions in the installation's settings",
    });
  });

  it("needs Administration for repository runners and Actions for both scopes", async () => {
    const world = await worldWith({
      login: "acme",
      permissions: { metadata: "read", organization_self_hosted_runners: "write" },
    });
    const repo = { github: { runnerScope: "repo", ownerName: "acme", repositoryName: "app" } };
    const checks = await world.run(repo);
    expect(byName(checks, "github installation").detail).toBe(
      "installed on repository acme/app (installation 31337)",
    );
    expect(byName(checks, "github permissions")).toMatchObject({
      status: "FAIL",
      detail: "the installation lacks administration: write (has none), actions: read (has none)",
    });
    expect(byName(await world.run(), "github permissions").detail).toBe(
      "the installation lacks actions: read (has none)",
    );
  });
});
