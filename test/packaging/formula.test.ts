import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, STUB, stub } from "./formula-stub.js";
import { ruby } from "./ruby.js";

const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  version: string;
  license: string;
  bin: Record<string, string>;
};

describe.each([
  { name: "tart-executor", example: "tart-executor.example.yaml" },
  { name: "tart-router", example: "tart-router.example.yaml" },
])("Formula/$name.rb", ({ name, example }) => {
  const formula = `Formula/${name}.rb`;

  it("is valid Ruby", () => {
    const result = ruby(["-c", formula], { cwd: ROOT });
    expect(result).toMatchObject({ status: 0, stdout: "Syntax OK\n" });
  });

  it("builds HEAD from the repository it sits in, and has a stable spec only with a real checksum", () => {
    const report = stub(formula);
    expect(report.meta["head"]).toEqual([`file://${ROOT}`, { using: "git", branch: "main" }]);
    // Until scripts/release writes them there is no url and no sha256; after, both are real.
    const url = report.meta["url"] ?? [];
    expect(report.meta["sha256"]?.length ?? 0).toBe(url.length);
    if (url.length > 0) {
      expect(url).toEqual([`https://registry.npmjs.org/tart-executor/-/tart-executor-${pkg.version}.tgz`]);
      expect(report.meta["sha256"]?.[0]).toMatch(/^[0-9a-f]{64}$/);
      expect(report.meta["sha256"]?.[0]).not.toMatch(/^0+$/);
    }
    expect(report.meta["license"]).toEqual([pkg.license]);
    expect(report.meta["depends_on"]).toContain("node");
    // `brew audit`: a capitalised description of at most 80 characters without a final period.
    expect(report.meta["desc"]?.[0]).toMatch(/^[A-Z][^.]{10,79}$/);
  });

  it("runs the daemon as a service restarted after a crash only, with its config, logs and Homebrew's PATH", () => {
    const { service, hasTest } = stub(formula);
    expect(service["run"]).toEqual([
      `/opt/homebrew/opt/${name}/bin/${name}`,
      "--config",
      `/opt/homebrew/etc/${name}.yaml`,
    ]);
    // Not restarted when it exits (78 on a configuration error would loop); an uncaught error aborts.
    expect(service["keep_alive"]).toEqual({ crashed: true });
    expect(service["log_path"]).toBe(`/opt/homebrew/var/log/${name}.log`);
    expect(service["error_log_path"]).toBe(`/opt/homebrew/var/log/${name}.err.log`);
    expect(service["working_dir"]).toBe("/opt/homebrew/var");
    const env = service["environment_variables"] as { PATH: string };
    expect(env.PATH.split(":")).toContain("/opt/homebrew/bin");
    expect(service["environment_variables"]).toMatchObject({ NODE_OPTIONS: "--abort-on-uncaught-exception" });
    expect(hasTest).toBe(true);
  });

  it("installs HEAD by building the checkout, then with npm's standard arguments; links only its own binary and keeps an edited config", () => {
    // The stable install (a published tarball: `npm install` alone) is checked in release.test.ts.
    const { install, caveats } = stub(formula, "--package", ".", "--head");
    expect(install?.systemCalls).toEqual([
      ["npm", "ci", "--ignore-scripts"],
      ["npm", "run", "build"],
      ["npm", "install", ...(install?.stdNpmArgs ?? [])],
    ]);
    expect(install?.stdNpmArgs).toContain("--ignore-scripts");
    expect(install?.bin).toEqual({ [name]: `libexec/bin/${name}` });
    expect(install?.config).toBe(`etc/${name}.yaml`);
    expect(install?.installedConfig).toBe(readFileSync(path.join(ROOT, example), "utf8"));
    expect(install?.configKeptOnReinstall).toBe(true);
    expect(install?.logDirectory).toBe(true);
    expect(caveats).toContain(`brew services start ${name}`);
    expect(caveats).toContain(`${name} doctor`);
  });

  it.skipIf(pkg.bin[name] === undefined)(
    `passes its own test block against this checkout (needs a ${name} entry in package.json's bin)`,
    () => {
      if (!existsSync(path.join(ROOT, "dist", "cli", `${name}.js`)))
        throw new Error(
          "dist/ is missing: build first with `npx tsc -p tsconfig.build.json` (npm test does)",
        );
      expect(stub(formula, "--package", ".", "--head", "--run-test").testPassed).toBe(true);
    },
  );
});

describe("the formula dependencies", () => {
  it("make the executor need tart and Apple Silicon, and the router neither", () => {
    const executor = stub("Formula/tart-executor.rb").meta["depends_on"];
    // tart's tap moved with tart to openai in 2026 (openai/tart README: `brew install openai/tools/tart`);
    // cirruslabs/cli/tart is frozen at an old version.
    expect(executor).toEqual(expect.arrayContaining(["openai/tools/tart", "macos", { arch: "arm64" }]));
    expect(JSON.stringify(executor)).not.toContain("cirruslabs");
    expect(stub("Formula/tart-router.rb").meta["depends_on"]).toEqual(["macos", "node"]);
  });
});

describe("formula-dsl-stub.rb", () => {
  it("rejects service settings Homebrew does not have, so typos cannot pass", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "formula-typo-"));
    try {
      const file = path.join(dir, "typo.rb");
      writeFileSync(
        file,
        readFileSync(path.join(ROOT, "Formula/tart-router.rb"), "utf8").replace(
          "keep_alive crashed: true",
          "keep_alives crashed: true",
        ),
      );
      const result = ruby([STUB, file], { cwd: ROOT });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/undefined method `keep_alives'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects keep_alive conditions Homebrew does not have, as Homebrew's Service does", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "formula-keep-alive-"));
    try {
      const file = path.join(dir, "crash.rb");
      const source = readFileSync(path.join(ROOT, "Formula/tart-router.rb"), "utf8");
      expect(source).toContain("keep_alive crashed: true");
      writeFileSync(file, source.replace("keep_alive crashed: true", "keep_alive crash: true"));
      const result = ruby([STUB, file], { cwd: ROOT });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/keep_alive only allows/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails with the install command when ruby is missing", () => {
    expect(() => ruby(["-v"], { cwd: ROOT, env: { PATH: "/nonexistent" } })).toThrow(
      /`apt-get install -y ruby`/,
    );
  });
});
