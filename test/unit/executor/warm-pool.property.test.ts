/**
 * The warm pool in the generated world of world.property.test.ts: the same jobs, webhooks, VM
 * failures and draining, with one to three pools configured. Every invariant of the reconciler
 * still holds (support/invariants.ts), plus the pool's own (support/warm-invariants.ts): never
 * more VMs than slots, never a waiting job held up by an idle warm VM, a taken warm VM replaced,
 * no more warm VMs than the count, none past maxAge, no spare cold VM left by a warm hit.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Action, VmSpec } from "../../../src/executor/model.js";
import { warmPoolKey, type WarmPoolPolicy } from "../../../src/executor/reconcile/warm-pool.js";
import { capacityArb, commandsArb, policyArb } from "./support/arbitraries.js";
import { numRuns } from "./support/fc.js";
import { createInvariants } from "./support/invariants.js";
import { World } from "./support/world.js";

const MINUTE = 60_000;

/** Pool specs whose labels cover some of the world's job shapes (support/world.ts SHAPES). */
const POOL_SPECS: readonly VmSpec[] = [
  { image: "base", cpu: null, memoryMiB: null, labels: ["self-hosted", "macos", "base"] },
  { image: "xcode", cpu: 4, memoryMiB: 8192, labels: ["self-hosted", "macos", "xcode", "cpu:4"] },
  { image: "xcode", cpu: 8, memoryMiB: 16384, labels: ["self-hosted", "macos", "xcode", "xl"] },
];

const warmArb: fc.Arbitrary<WarmPoolPolicy> = fc.record({
  pools: fc
    .subarray([0, 1, 2], { minLength: 1 })
    .chain((indexes) =>
      fc.tuple(...indexes.map((i) => fc.tuple(fc.constant(i), fc.integer({ min: 1, max: 2 })))),
    )
    .map((entries) =>
      entries.map(([i, count]) => {
        const spec = POOL_SPECS[i] ?? POOL_SPECS[0]!;
        return { key: warmPoolKey(spec), spec, count };
      }),
    ),
  maxAgeMs: fc.constantFrom(5 * MINUTE, 30 * MINUTE),
});

function kind(action: Action, warmVms: ReadonlySet<string>): string | null {
  if (action.type === "start-vm") return action.forJob.startsWith("warm:") ? "warm start" : "cold start";
  if (action.type !== "teardown-vm") return null;
  if (action.reason.startsWith("warm VM: evicted")) return "eviction";
  if (action.reason.startsWith("warm VM: older")) return "max age";
  if (action.reason.includes("was taken by warm VM")) return "leftover cold";
  if (action.reason.startsWith("warm VM: the executor is draining")) return "drain";
  return warmVms.has(action.vm) ? "other warm teardown" : null;
}

describe("the warm pool in a generated world", () => {
  it("keeps every invariant, the pool's included, after every event and pass", () => {
    const runs = numRuns();
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(capacityArb, policyArb, warmArb, commandsArb, (capacity, policy, warm, commands) => {
        const invariants = createInvariants();
        const world: World = new World(
          capacity,
          policy,
          {
            onEvent: (before, event, after) => {
              invariants.onEvent(before, event, after);
              // A warm hit: GitHub gave a job to a warm runner (webhook or the runner's own log).
              if (event.type === "job-observed" || (event.type === "vm-phase" && event.phase === "busy")) {
                for (const vm of after.vms.values()) {
                  const was = before.vms.get(vm.name);
                  if (vm.forJob.startsWith("warm:") && vm.tookJob && was?.tookJob === false) {
                    seen.set("warm hit", (seen.get("warm hit") ?? 0) + 1);
                  }
                }
              }
            },
            onPass: (state, actions) => {
              const warmVms = new Set(
                [...state.ledger.vms.values()].filter((v) => v.forJob.startsWith("warm:")).map((v) => v.name),
              );
              for (const action of actions) {
                const label = kind(action, warmVms);
                if (label !== null) seen.set(label, (seen.get(label) ?? 0) + 1);
              }
              invariants.onPass(state, actions);
            },
          },
          warm,
        );
        try {
          world.settle();
          for (const command of commands) world.run(command);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          throw new Error(`${message}\npools: ${JSON.stringify(warm)}\ntrace:\n${world.trace.join("\n")}`, {
            cause: error,
          });
        }
      }),
      { numRuns: runs },
    );
    if (runs < 100) return;
    for (const label of ["warm start", "cold start", "warm hit", "eviction", "max age", "drain"]) {
      expect(seen.get(label) ?? 0, label).toBeGreaterThan(0);
    }
  });
});
