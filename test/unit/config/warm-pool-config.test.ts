import { describe, expect, it } from "vitest";
import { executorErrors, executorYaml, parseExecutor } from "./config-test-support.js";

const F = "/Users/ci/config/tart-executor.yaml";

const TART = [
  "tart:",
  "  numberOfVirtualMachines: 2",
  "  images:",
  "    allow: [ghcr.io/cirruslabs/*]",
  "    aliases:",
  "      xcode16: ghcr.io/cirruslabs/macos-sequoia-xcode:16",
].join("\n");

describe("warmPool configuration", () => {
  it("has no pool by default and a one-hour maximum age", () => {
    expect(parseExecutor(executorYaml()).warmPool).toEqual({ maxAgeMs: 3_600_000, pools: [] });
  });

  it("reads pools with aliases, sizes and maxAge in seconds", () => {
    const yaml = executorYaml(
      `${TART}\nwarmPool:\n  maxAge: 1800\n  pools:\n    - image: xcode16\n      cpu: 4\n      memory: 8192\n      count: 1\n    - image: ghcr.io/cirruslabs/macos-sequoia-base:latest\n      count: 1`,
    );
    expect(parseExecutor(yaml).warmPool).toEqual({
      maxAgeMs: 1_800_000,
      pools: [
        { image: "xcode16", cpu: 4, memory: 8192, count: 1 },
        { image: "ghcr.io/cirruslabs/macos-sequoia-base:latest", count: 1 },
      ],
    });
  });

  it("refuses more warm VMs than VM slots, naming the count that crosses the limit", () => {
    const yaml = executorYaml("warmPool:\n  pools:\n    - image: ghcr.io/cirruslabs/a:1\n      count: 2");
    expect(executorErrors(yaml)).toEqual([
      `${F}:15:14 warmPool.pools[0].count: brings the warm VMs to 2, more than tart.numberOfVirtualMachines (1); warm VMs hold VM slots — hint: lower the counts, or set tart.numberOfVirtualMachines: 2`,
    ]);
  });

  it("refuses an image the image policy does not allow, and one that is no reference", () => {
    const yaml = executorYaml(
      `${TART}\nwarmPool:\n  pools:\n    - image: docker.io/evil/image:1\n      count: 1\n    - image: "not an image"\n      count: 1`,
    );
    expect(executorErrors(yaml)).toEqual([
      `${F}:20:14 warmPool.pools[0].image: "docker.io/evil/image:1" is not allowed by tart.images.allow, so no job could use this pool — hint: add a matching pattern to tart.images.allow or pick an allowed image`,
      `${F}:22:14 warmPool.pools[1].image: "not an image" is neither an alias in tart.images.aliases nor a Tart image reference — hint: e.g. ghcr.io/cirruslabs/macos-sequoia-xcode:16, or an alias name`,
    ]);
  });

  it("refuses two entries for the same image and size (an alias and its target included)", () => {
    const yaml = executorYaml(
      `${TART}\nwarmPool:\n  pools:\n    - image: xcode16\n      count: 1\n    - image: ghcr.io/cirruslabs/macos-sequoia-xcode:16\n      count: 1`,
    );
    expect(executorErrors(yaml)).toEqual([
      `${F}:22:14 warmPool.pools[1].image: is the same image and size as warmPool.pools[0] — hint: add their counts together in one entry`,
    ]);
  });

  it("keeps the warm VMs within the CPU and memory budgets", () => {
    const yaml = executorYaml(
      `cpuLimit: 8\ntotalMemory: 16384\n${TART}\nwarmPool:\n  pools:\n    - image: xcode16\n      cpu: 6\n      memory: 12288\n      count: 2`,
    );
    const errors = executorErrors(yaml);
    expect(errors).toEqual([
      expect.stringContaining(
        "warmPool.pools[0].count: brings the warm VMs' CPUs to 12, more than cpuLimit (8)",
      ),
      expect.stringContaining(
        "warmPool.pools[0].count: brings the warm VMs' memory to 24576 MB, more than totalMemory (16384 MB)",
      ),
    ]);
  });

  it("names a misspelt key and a zero count", () => {
    const yaml = executorYaml(
      "warmPool:\n  pools:\n    - image: ghcr.io/cirruslabs/a:1\n      count: 0\n      cpus: 2",
    );
    const errors = executorErrors(yaml);
    expect(errors.some((e) => e.includes("warmPool.pools[0].count: must be at least 1"))).toBe(true);
    expect(errors.some((e) => e.includes("warmPool.pools[0].cpus"))).toBe(true);
  });
});
