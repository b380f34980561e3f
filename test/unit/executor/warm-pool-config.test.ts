import { describe, expect, it } from "vitest";
import { matchJob } from "../../../src/github/label-matcher.js";
import { canServe } from "../../../src/executor/reconciler.js";
import { warmPoolPolicy } from "../../../src/executor/warm-pool-config.js";
import { parseExecutor, executorYaml } from "../config/config-test-support.js";

const XCODE = "ghcr.io/cirruslabs/macos-sequoia-xcode:16";
const config = parseExecutor(
  executorYaml(
    [
      "tart:",
      "  numberOfVirtualMachines: 2",
      "  defaultCpu: 4",
      "  images:",
      "    aliases:",
      `      xcode16: ${XCODE}`,
      `      Xcode: ${XCODE}`,
      "      base: ghcr.io/cirruslabs/macos-sequoia-base:latest",
      "warmPool:",
      "  maxAge: 600",
      "  pools:",
      "    - image: xcode16",
      "      count: 1",
      "    - image: ghcr.io/cirruslabs/macos-sequoia-base:latest",
      "      cpu: 8",
      "      memory: 16384",
      "      count: 1",
    ].join("\n"),
  ),
);
const rules = {
  requiredLabels: config.runner.labels,
  aliases: config.tart.images.aliases,
  allow: config.tart.images.allow,
  defaultCpu: config.tart.defaultCpu ?? null,
  defaultMemoryMiB: config.tart.defaultMemory ?? null,
};

function jobSpec(labels: string[]) {
  const match = matchJob(labels, rules);
  if (match.kind !== "match") throw new Error(`not a match: ${JSON.stringify(match)}`);
  return match.spec;
}

describe("warm pool specs from the configuration", () => {
  const policy = warmPoolPolicy(config);
  const [xcode, base] = policy?.pools ?? [];

  it("is absent without pools, so the reconciler runs exactly as before", () => {
    expect(warmPoolPolicy(parseExecutor(executorYaml()))).toBeUndefined();
  });

  it("resolves the image and size, and labels the runner with everything a job may ask for", () => {
    expect(policy?.maxAgeMs).toBe(600_000);
    expect(xcode?.count).toBe(1);
    expect(xcode?.spec).toEqual({
      image: XCODE,
      cpu: 4,
      memoryMiB: null,
      labels: ["tartelet", XCODE, "xcode16", "xcode", "self-hosted", "macos", "arm64"],
    });
    expect(base?.spec).toEqual({
      image: "ghcr.io/cirruslabs/macos-sequoia-base:latest",
      cpu: 8,
      memoryMiB: 16384,
      labels: [
        "tartelet",
        "ghcr.io/cirruslabs/macos-sequoia-base:latest",
        "base",
        "cpu:8",
        "memory:16384",
        "self-hosted",
        "macos",
        "arm64",
      ],
    });
    expect(xcode?.key).not.toBe(base?.key);
  });

  it("serves every spelling of a job that routes to it, and no job that asks for something else", () => {
    for (const labels of [
      ["tartelet", "xcode16"],
      ["self-hosted", "macOS", "ARM64", "tartelet", "Xcode"],
      ["tartelet", XCODE],
    ]) {
      expect(canServe(xcode!.spec, jobSpec(labels)), labels.join(",")).toBe(true);
    }
    expect(canServe(base!.spec, jobSpec(["tartelet", "base", "cpu:8", "memory:16384"]))).toBe(true);
    // GitHub routes on labels alone: a job asking for less than the pool's size may take it.
    expect(canServe(base!.spec, jobSpec(["tartelet", "base"]))).toBe(true);
    expect(canServe(xcode!.spec, jobSpec(["tartelet", "xcode16", "cpu:6"]))).toBe(false);
    expect(canServe(xcode!.spec, jobSpec(["tartelet", "base"]))).toBe(false);
  });
});
