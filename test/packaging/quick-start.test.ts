/** The README's quick start is two commands, and CI runs the test one exactly as written. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const read = (file: string): string => readFileSync(path.join(ROOT, file), "utf8");

/** The commands of the README's first sh block under "Quick start", without their comments. */
function quickStart(): string[] {
  const match = /## Quick start[^\n]*\n[\s\S]*?```sh\n([\s\S]*?)```/.exec(read("README.md"));
  if (match?.[1] === undefined) throw new Error("README.md has no sh block under ## Quick start");
  return match[1]
    .trim()
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim());
}

describe("README quick start", () => {
  it("is two lines: the demo, and the tests with their system packages", () => {
    expect(quickStart()).toEqual(["npm ci && npm run demo", "scripts/test-deps && npm ci && npm test"]);
  });

  it("is what .ci/run runs", () => {
    const [, testLine] = quickStart();
    expect(read(".ci/run").split("\n")).toContain(testLine);
  });
});
