import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ruby } from "./ruby.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const STUB = "test/packaging/formula-dsl-stub.rb";
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  version: string;
  license: string;
  bin: Record<string, string>;
};

interface StubReport {
  readonly name: string;
  readonly version: string;
  readonly meta: Record<string, unknown[]>;
  readonly service: Record<string, unknown>;
  readonly hasTest: boolean;
  readonly caveats: string | null;
  readonly install?: {
    readonly systemCalls: string[][];
    readonly stdNpmArgs: string[];
    readonly bin: Record<string, string>;
    readonly config: string | null;
    readonly installedConfig: string | null;
    readonly configKeptOnReinstall: boolean;
    readonly logDirectory: boolean;
  };
  readonly testPassed?: boolean;
}

function stub(formula: string, ...args: string[]): StubReport {
  const result = ruby([STUB, formula, ...args], { cwd: ROOT });
  if (result.status !== 0) throw new Error(`${STUB} ${formula} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as StubReport;
}

describe.each([
  { name: "tart-executor", example: "tart-executor.example.yaml" },
  { name: "tart-router", example: "tart-router.example.yaml" },
])("Formula/$name.rb", ({ name, example }) => {
  const formula = `Formula/${name}.rb`;

  it("is valid Ruby", () => {
    const result = ruby(["-c", formula], { cwd: ROOT });
    expect(result).toMatchObject({ status: 0, stdout: "Syntax OK\n" });
  });

  it("installs this package's npm tarball with node, at the package's version", () => {
    const report = stub(formula);
    expect(report.version).toBe(pkg.version);
    expect(report.meta["url"]).toEqual([
      `https://registry.npmjs.org/tart-executor/-/tart-executor-${pkg.version}.tgz`,
    ]);
    expect(report.meta["sha256"]?.[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(report.meta["license"]).toEqual([pkg.license]);
    expect(report.meta["depends_on"]).toContain("node");
    // `brew audit`: a capitalised description of at most 80 characters without a final period.
    expect(report.meta["desc"]?.[0]).toMatch(/^[A-Z][^.]{10,79}$/);
  });

  it("runs the daemon as a kept-alive service with its config, logs and Homebrew's PATH", () => {
    const { service, hasTest } = stub(formula);
    expect(service["run"]).toEqual([
      `/opt/homebrew/opt/${name}/bin/${name}`,
      "--config",
      `/opt/homebrew/etc/${name}.yaml`,
    ]);
    expect(service["keep_alive"]).toBe(true);
    expect(service["log_path"]).toBe(`/opt/homebrew/var/log/${name}.log`);
    expect(service["error_log_path"]).toBe(`/opt/homebrew/var/log/${name}.err.log`);
    expect(service["working_dir"]).toBe("/opt/homebrew/var");
    const env = service["environment_variables"] as { PATH: string };
    expect(env.PATH.split(":")).toContain("/opt/homebrew/bin");
    expect(hasTest).toBe(true);
  });

  it("installs with npm's standard arguments, links only its own binary and keeps an edited config", () => {
    const { install, caveats } = stub(formula, "--package", ".");
    expect(install?.systemCalls).toEqual([["npm", "install", ...(install?.stdNpmArgs ?? [])]]);
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
      expect(stub(formula, "--package", ".", "--run-test").testPassed).toBe(true);
    },
  );
});

describe("the formula dependencies", () => {
  it("make the executor need tart and Apple Silicon, and the router neither", () => {
    const executor = stub("Formula/tart-executor.rb").meta["depends_on"];
    expect(executor).toEqual(expect.arrayContaining(["cirruslabs/cli/tart", "macos", { arch: "arm64" }]));
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
          "keep_alive true",
          "keep_alives true",
        ),
      );
      const result = ruby([STUB, file], { cwd: ROOT });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/undefined method `keep_alives'/);
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
