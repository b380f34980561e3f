import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveTartExecutable, tartNotFoundMessage } from "../../../src/cli/resolve-tart-executable.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function binDir(...names: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tart-bin-"));
  dirs.push(dir);
  for (const name of names) {
    writeFileSync(path.join(dir, name), "#!/bin/sh\n");
    chmodSync(path.join(dir, name), 0o755);
  }
  return dir;
}

describe("finding tart", () => {
  it("uses the configured path when it is executable, and nothing else", () => {
    const dir = binDir("my-tart", "tart");
    expect(resolveTartExecutable(path.join(dir, "my-tart"), dir)).toBe(path.join(dir, "my-tart"));
    expect(resolveTartExecutable(path.join(dir, "missing"), dir)).toBeNull();
  });

  it("looks a configured bare name up on PATH", () => {
    const empty = binDir();
    const dir = binDir("tart");
    expect(resolveTartExecutable("tart", `${empty}:${dir}`)).toBe(path.join(dir, "tart"));
  });

  it("takes tart from PATH first when nothing is configured", () => {
    const dir = binDir("tart");
    expect(resolveTartExecutable(undefined, dir)).toBe(path.join(dir, "tart"));
  });

  it("ignores files that are not executable", () => {
    const dir = binDir();
    mkdirSync(path.join(dir, "sub"));
    writeFileSync(path.join(dir, "tart"), "not executable");
    expect(resolveTartExecutable(path.join(dir, "tart"), dir)).toBeNull();
  });

  it("says where it looked and how to install tart from its current tap (openai/tools/tart)", () => {
    expect(tartNotFoundMessage(undefined)).toBe(
      "tart not found on PATH, in /opt/homebrew/bin or in /usr/local/bin: install it with `brew install openai/tools/tart`, or set tart.executable to its path",
    );
    expect(tartNotFoundMessage("/opt/tart/bin/tart")).toContain(
      "tart.executable /opt/tart/bin/tart is not an executable file",
    );
    expect(tartNotFoundMessage(undefined)).not.toContain("cirruslabs");
  });
});
