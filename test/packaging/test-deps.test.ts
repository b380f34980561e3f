/**
 * scripts/test-deps, the first command of the README's test line: installs only what is missing,
 * through apt-get (with sudo when not root), and says what to install where there is no apt-get.
 * Run with a PATH of stand-ins, so nothing is installed for real.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT } from "./formula-stub.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A bin folder of shell stand-ins that append their name and arguments to calls.log. */
function standIns(scripts: Record<string, string>): { bin: string; calls: () => string[] } {
  const bin = mkdtempSync(path.join(tmpdir(), "test-deps-"));
  dirs.push(bin);
  const log = path.join(bin, "calls.log");
  writeFileSync(log, "");
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> '${log}'\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  }
  return {
    bin,
    calls: () =>
      readFileSync(log, "utf8")
        .split("\n")
        .filter((line) => line !== ""),
  };
}

function run(bin: string): { status: number | null; stderr: string } {
  // PATH has only the stand-ins: ruby, zsh (and any sshd on PATH) are missing.
  const result = spawnSync("/bin/bash", [path.join(ROOT, "scripts/test-deps")], {
    env: { PATH: bin },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { status: result.status, stderr: result.stderr };
}

describe("scripts/test-deps", () => {
  it("installs what is missing with apt-get through sudo when not root", () => {
    const { bin, calls } = standIns({ id: "echo 1000", sudo: 'exec "$@"', "apt-get": "exit 0" });
    const result = run(bin);
    expect(result.status, result.stderr).toBe(0);
    const wanted = calls().filter((call) => call.startsWith("apt-get install"));
    expect(wanted).toHaveLength(1);
    expect(wanted[0]).toContain("ruby");
    expect(wanted[0]).toContain("zsh");
    expect(calls()).toContain("apt-get update -qq");
    expect(calls().filter((call) => call.startsWith("sudo apt-get"))).toHaveLength(2);
  });

  it("fails naming the packages when there is no apt-get", () => {
    const { bin } = standIns({ id: "echo 1000" });
    const result = run(bin);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/missing .*ruby.*install them with your system's package manager/);
  });

  it("fails when apt-get fails, instead of going on to the tests", () => {
    const { bin } = standIns({ id: "echo 0", "apt-get": "exit 100" });
    expect(run(bin).status).toBe(100);
  });
});
