/**
 * What `npm pack` would publish: the product only (no simulation, no source maps pointing at
 * unshipped sources), the LICENSE, and every file the installed binaries load at run time.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  name: string;
  license: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
};

/** The file list of `npm pack --dry-run --json`, as paths relative to the package root. */
function packedFiles(): Set<string> {
  if (!existsSync(path.join(ROOT, "dist", "cli")))
    throw new Error("dist/ is missing: build first with `npm run build` (npm test does)");
  // --ignore-scripts: the pack must not rebuild dist/ under tests that are running from it.
  const result = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error(`npm pack --dry-run failed (${result.status}):\n${result.stderr}`);
  const [report] = JSON.parse(result.stdout) as [{ files: { path: string }[] }];
  return new Set(report.files.map((file) => file.path));
}

/** The module specifiers a compiled ES module imports: static, re-exported, bare and dynamic. */
export function importSpecifiers(source: string): string[] {
  const patterns = [
    /^\s*(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']/gm,
    /^\s*import\s*["']([^"']+)["']/gm,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1] ?? ""));
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return (specifier.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
}

/** Every package file a binary loads, following relative imports from its entry, and the packages it needs. */
function closure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [path.normalize(entry)];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    const absolute = path.join(ROOT, file);
    if (!existsSync(absolute)) continue; // reported by the test: not in the pack either
    for (const specifier of importSpecifiers(readFileSync(absolute, "utf8"))) {
      if (specifier.startsWith(".")) pending.push(path.normalize(path.join(path.dirname(file), specifier)));
      else if (!specifier.startsWith("node:") && !builtinModules.includes(specifier))
        packages.add(packageName(specifier));
    }
  }
  return { files, packages };
}

describe("npm pack", () => {
  let files: Set<string>;
  beforeAll(() => {
    files = packedFiles();
  }, 180_000);

  it("ships the LICENSE (MIT, as package.json says), the README and both example configurations", () => {
    for (const file of [
      "LICENSE",
      "README.md",
      "package.json",
      "tart-executor.example.yaml",
      "tart-router.example.yaml",
    ])
      expect(files).toContain(file);
    expect(pkg.license).toBe("MIT");
    expect(readFileSync(path.join(ROOT, "LICENSE"), "utf8")).toMatch(/^MIT License\n/);
  });

  it("ships no simulation, no tests and no sources", () => {
    const offending = [...files].filter(
      (file) =>
        file.startsWith("dist/sim/") ||
        file.startsWith("sim-bin/") ||
        file.startsWith("src/") ||
        file.startsWith("test/") ||
        file.startsWith("bench/"),
    );
    expect(offending).toEqual([]);
  });

  it("ships no source map, and no compiled file refers to a map that is not shipped", () => {
    expect([...files].filter((file) => file.endsWith(".map"))).toEqual([]);
    const dangling = [...files]
      .filter((file) => file.endsWith(".js"))
      .flatMap((file) => {
        const match = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(path.join(ROOT, file), "utf8"));
        const map = match?.[1];
        if (map === undefined || map.startsWith("data:")) return [];
        const target = path.normalize(path.join(path.dirname(file), map));
        return files.has(target) ? [] : [`${file} → ${target}`];
      });
    expect(dangling).toEqual([]);
  });

  it("ships every bin, and every file each bin loads at run time (none of them from the simulation)", () => {
    const bins = Object.entries(pkg.bin);
    expect(bins.length).toBeGreaterThanOrEqual(2);
    for (const [command, entry] of bins) {
      const { files: loaded } = closure(entry);
      expect(loaded.size, `${command} loads more than its bin file`).toBeGreaterThan(1);
      const missing = [...loaded].filter((file) => !files.has(file));
      expect(missing, `files ${command} imports that the pack lacks`).toEqual([]);
      expect([...loaded].filter((file) => file.startsWith("dist/sim/"))).toEqual([]);
    }
  });

  it("makes every package a bin imports a dependency, not a devDependency", () => {
    for (const [command, entry] of Object.entries(pkg.bin)) {
      const missing = [...closure(entry).packages].filter((name) => pkg.dependencies[name] === undefined);
      expect(missing, `packages ${command} imports that are not in dependencies`).toEqual([]);
    }
  });
});

describe("importSpecifiers", () => {
  it("finds static, multi-line, re-exported, side-effect and dynamic imports", () => {
    const source = [
      'import "../dist/cli/a.js";',
      'import { x,\n  y } from "./b.js";',
      'export { z } from "../c.js";',
      'import * as d from "@octokit/rest";',
      'const e = await import("./e.js");',
      'const text = "import from here";',
    ].join("\n");
    expect(importSpecifiers(source).sort()).toEqual(
      ["../dist/cli/a.js", "./b.js", "../c.js", "@octokit/rest", "./e.js"].sort(),
    );
  });
});
