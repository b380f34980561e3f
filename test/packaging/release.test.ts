/**
 * scripts/release against a local pack: it writes the tarball's registry URL and sha256 into
 * (a temp copy of) both formulae, which then parse, agree with the tarball, and install and pass
 * their own test block from that tarball's contents.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, stub } from "./formula-stub.js";
import { ruby } from "./ruby.js";

const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
};
const FORMULAE = ["tart-executor", "tart-router"] as const;

interface Release {
  readonly tarball: string;
  readonly url: string;
  readonly sha256: string;
  readonly version: string;
}

describe("scripts/release", () => {
  let dir: string;
  let release: Release;
  let formulae: string;
  let unpacked: string;
  const checkedIn = new Map(
    FORMULAE.map((name) => [name, readFileSync(path.join(ROOT, `Formula/${name}.rb`), "utf8")]),
  );

  beforeAll(() => {
    if (!existsSync(path.join(ROOT, "dist", "cli")))
      throw new Error("dist/ is missing: build first with `npm run build` (npm test does)");
    dir = mkdtempSync(path.join(tmpdir(), "release-"));
    formulae = path.join(dir, "Formula");
    cpSync(path.join(ROOT, "Formula"), formulae, { recursive: true });
    // --no-build: dist/ is built already, and other test files run from it.
    const result = spawnSync(
      path.join(ROOT, "scripts/release"),
      ["--no-build", "--pack-destination", dir, "--formula-dir", formulae],
      { cwd: ROOT, encoding: "utf8", timeout: 180_000 },
    );
    if (result.status !== 0) throw new Error(`scripts/release failed (${result.status}):\n${result.stderr}`);
    release = JSON.parse(result.stdout) as Release;
    // The tarball's contents, with this checkout's node_modules standing in for npm's install.
    unpacked = path.join(dir, "unpacked");
    mkdirSync(unpacked);
    const tar = spawnSync("tar", ["-xzf", release.tarball, "-C", unpacked], { encoding: "utf8" });
    if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
    symlinkSync(path.join(ROOT, "node_modules"), path.join(unpacked, "package", "node_modules"));
  }, 240_000);

  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("packs the package at its version and reports the tarball's real sha256", () => {
    expect(path.basename(release.tarball)).toBe(`${pkg.name}-${pkg.version}.tgz`);
    expect(release.version).toBe(pkg.version);
    expect(release.url).toBe(`https://registry.npmjs.org/${pkg.name}/-/${pkg.name}-${pkg.version}.tgz`);
    expect(release.sha256).toBe(createHash("sha256").update(readFileSync(release.tarball)).digest("hex"));
  });

  it("leaves the formulae in the repository alone when given another formula directory", () => {
    for (const name of FORMULAE)
      expect(readFileSync(path.join(ROOT, `Formula/${name}.rb`), "utf8")).toBe(checkedIn.get(name));
  });

  describe.each(FORMULAE)("the released %s formula", (name) => {
    const file = (): string => path.join(formulae, `${name}.rb`);

    it("is valid Ruby and names exactly the tarball's URL and sha256, once, and keeps its head", () => {
      expect(ruby(["-c", file()], { cwd: ROOT })).toMatchObject({ status: 0, stdout: "Syntax OK\n" });
      const report = stub(file());
      expect(report.version).toBe(pkg.version);
      expect(report.meta["url"]).toEqual([release.url]);
      expect(report.meta["sha256"]).toEqual([release.sha256]);
      expect(report.meta["head"]?.[1]).toEqual({ using: "git", branch: "main" });
    });

    it("is the checked-in formula plus the two stable lines", () => {
      const released = readFileSync(file(), "utf8").split("\n");
      const added = released.filter((line) => !checkedIn.get(name)?.split("\n").includes(line));
      expect(added).toEqual([`  url "${release.url}"`, `  sha256 "${release.sha256}"`]);
    });

    it("stays the same when released again (the old url and sha256 are replaced, not repeated)", () => {
      const again = mkdtempSync(path.join(tmpdir(), "release-again-"));
      try {
        cpSync(formulae, again, { recursive: true });
        const result = spawnSync(
          path.join(ROOT, "scripts/release"),
          ["--no-build", "--pack-destination", again, "--formula-dir", again],
          { cwd: ROOT, encoding: "utf8", timeout: 180_000 },
        );
        expect(result.status, result.stderr).toBe(0);
        expect(readFileSync(path.join(again, `${name}.rb`), "utf8")).toBe(readFileSync(file(), "utf8"));
      } finally {
        rmSync(again, { recursive: true, force: true });
      }
    }, 240_000);

    it("installs from the tarball with `npm install` alone and passes its own test block", () => {
      const report = stub(file(), "--package", path.join(unpacked, "package"), "--run-test");
      expect(report.install?.systemCalls).toEqual([
        ["npm", "install", ...(report.install?.stdNpmArgs ?? [])],
      ]);
      expect(report.install?.binResolves).toEqual({ [name]: true });
      expect(report.testPassed).toBe(true);
    }, 120_000);
  });
});
