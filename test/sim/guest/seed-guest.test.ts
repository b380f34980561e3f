import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runnerEntryPath, runnerPackageFiles } from "../../../src/sim/guest/runner-package.js";
import { seedGuest } from "../../../src/sim/guest/seed-guest.js";
import { simImageSchema } from "../../../src/sim/sim-config.js";
import { makeTempDir } from "./helpers/temp-dir.js";

const repoRoot = path.resolve(import.meta.dirname, "../../..");

describe("seedGuest and the runner package", () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => temp.remove());

  it("points the runner scripts at the compiled entry in dist/", () => {
    expect(runnerEntryPath()).toBe(path.join(repoRoot, "dist/sim/guest/runner/main.js"));
    const files = runnerPackageFiles();
    expect(files.map((file) => [file.path, file.mode])).toEqual([
      ["run.sh", 0o755],
      ["config.sh", 0o755],
      ["bin/Runner.Listener", 0o755],
    ]);
    const runSh = files[0]?.content ?? "";
    expect(runSh.startsWith("#!/bin/sh\n")).toBe(true);
    expect(runSh).toContain(`exec '${process.execPath}' '${runnerEntryPath()}' run "$@"\n`);
    expect(files[1]?.content).toContain(`exec '${process.execPath}' '${runnerEntryPath()}' config "$@"\n`);
  });

  it("lays out the user's home with a freshly unpacked, unconfigured runner", () => {
    seedGuest(temp.dir, simImageSchema.parse({ username: "runner" }));
    const runnerDir = path.join(temp.dir, "Users/runner/actions-runner");
    expect(readdirSync(runnerDir).sort()).toEqual(["bin", "config.sh", "run.sh"]);
    expect(statSync(path.join(runnerDir, "run.sh")).mode & 0o777).toBe(0o755);
    expect(readFileSync(path.join(runnerDir, "bin/Runner.Listener"), "utf8")).toContain("listener");
    expect(existsSync(path.join(runnerDir, ".runner"))).toBe(false);
    for (const tool of ["usr/bin/sudo", "sbin/shutdown", "sbin/halt", "bin/zsh", "usr/libexec/path_helper"]) {
      expect(statSync(path.join(temp.dir, tool)).mode & 0o777).toBe(0o755);
    }
    expect(existsSync(path.join(temp.dir, "sbin/poweroff"))).toBe(false); // macOS has none
  });

  it("leaves the runner out of images without one", () => {
    seedGuest(temp.dir, simImageSchema.parse({ hasRunner: false }));
    expect(readdirSync(path.join(temp.dir, "Users/admin"))).toEqual([".zprofile"]);
  });
});
