import { describe, expect, it } from "vitest";
import { WarmBackoff } from "../../../src/executor/warm-backoff.js";
import type { LedgerEvent } from "../../../src/executor/model.js";
import { fold, jobEvent, spec, vmStarted } from "./support/fixtures.js";

const KEY = "warm:img";
const started = (vm: string, at: number): LedgerEvent => ({
  type: "vm-started",
  at,
  vm,
  spec: spec(),
  forJob: KEY,
});
const failed = (vm: string, at: number): LedgerEvent => ({ type: "vm-failed", at, vm, reason: "boom" });

describe("warm pool refill backoff", () => {
  it("doubles the wait after each failed warm VM and clears once a warm runner comes online", () => {
    const backoff = new WarmBackoff(() => 1000);
    let ledger = fold([started("w1", 0), started("w2", 0), started("w3", 0)]);
    backoff.observe(failed("w1", 100), ledger);
    expect(backoff.waiting(KEY, 1099)).toBe(true);
    expect(backoff.waiting(KEY, 1100)).toBe(false);
    backoff.observe(failed("w2", 2000), ledger);
    expect(backoff.waiting(KEY, 3999)).toBe(true);
    expect(backoff.waiting(KEY, 4000)).toBe(false);
    backoff.observe({ type: "vm-phase", at: 2500, vm: "w3", phase: "idle" }, ledger);
    expect(backoff.waiting(KEY, 2501)).toBe(false);
    // A second report of the same failure counts once.
    ledger = fold([failed("w1", 100)], ledger);
    backoff.observe(failed("w1", 3000), ledger);
    expect(backoff.waiting(KEY, 3001)).toBe(false);
  });

  it("ignores VMs made for jobs", () => {
    const backoff = new WarmBackoff(() => 1000);
    const ledger = fold([jobEvent(1, "queued", 0), vmStarted("c1", 1, 0)]);
    backoff.observe(failed("c1", 100), ledger);
    expect(backoff.waiting("warm:img", 200)).toBe(false);
  });
});
