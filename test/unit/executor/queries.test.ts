import { describe, expect, it } from "vitest";
import { jobCounts, labelsSatisfy, usage } from "../../../src/executor/reconciler.js";
import { fold, jobEvent, key, spec, vmStarted } from "./support/fixtures.js";

describe("labelsSatisfy", () => {
  it("needs every job label, compared case-insensitively", () => {
    expect(labelsSatisfy(["Self-Hosted", "macOS", "xl"], ["self-hosted", "MACOS"])).toBe(true);
    expect(labelsSatisfy(["self-hosted"], ["self-hosted", "macos"])).toBe(false);
    expect(labelsSatisfy(["self-hosted"], [])).toBe(true);
  });
});

describe("usage", () => {
  it("sums every VM, counting image-default sizes as 0", () => {
    const ledger = fold([
      vmStarted("a", 1, 0, spec(["x"], { cpu: 4, memoryMiB: 8192 })),
      vmStarted("b", 2, 0),
      vmStarted("c", 3, 0, spec(["x"], { cpu: 2 })),
      { type: "vm-phase", at: 1, vm: "c", phase: "tearing-down" },
    ]);
    expect(usage(ledger)).toEqual({ vms: 3, cpu: 6, memoryMiB: 8192 });
  });
});

describe("jobCounts", () => {
  it("counts each job once, given-up jobs apart unless they completed", () => {
    const ledger = fold([
      jobEvent(1, "queued", 0),
      jobEvent(2, "queued", 0),
      jobEvent(3, "waiting", 0),
      jobEvent(4, "in_progress", 0),
      jobEvent(5, "completed", 0),
      jobEvent(6, "queued", 0),
      { type: "job-given-up", at: 1, job: key(2), reason: "x" },
      { type: "job-given-up", at: 1, job: key(5), reason: "x" },
    ]);
    expect(jobCounts(ledger)).toEqual({ queued: 2, waiting: 1, inProgress: 1, completed: 1, givenUp: 1 });
  });
});
