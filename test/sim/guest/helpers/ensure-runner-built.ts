/**
 * The seeded runner scripts run the compiled runner from dist/, so tests that go through them
 * need a build at least as new as the sources; build (tsc -p tsconfig.build.json) when stale.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");

export function ensureRunnerBuilt(): void {
  if (isFresh()) return;
  try {
    execFileSync(
      process.execPath,
      [path.join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
      {
        cwd: repoRoot,
        stdio: "ignore",
        timeout: 180_000,
      },
    );
  } catch {
    // tsc emits even when other parts of the project have type errors; freshness decides.
  }
  if (!isFresh())
    throw new Error("dist/sim/guest is stale and `tsc -p tsconfig.build.json` did not refresh it");
}

function isFresh(): boolean {
  const sources = [
    ...tsFiles(path.join(repoRoot, "src/sim/guest")),
    path.join(repoRoot, "src/sim/runner-protocol.ts"),
  ];
  return sources.every((source) => {
    const compiled = path
      .join(repoRoot, "dist", path.relative(path.join(repoRoot, "src"), source))
      .replace(/\.ts$/, ".js");
    try {
      return statSync(compiled).mtimeMs >= statSync(source).mtimeMs;
    } catch {
      return false;
    }
  });
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}
