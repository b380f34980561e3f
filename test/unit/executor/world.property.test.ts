/**
 * Property tests over generated worlds: jobs with a few label sets, webhooks delayed, reordered,
 * duplicated and lost, VMs advancing, failing and vanishing, the clock moving, and the
 * reconciler's actions fed back as events. The invariants are checked on every event and pass
 * (support/invariants.ts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Action } from "../../../src/executor/model.js";
import { capacityArb, commandsArb, policyArb } from "./support/arbitraries.js";
import { numRuns } from "./support/fc.js";
import { createInvariants, inBackoff } from "./support/invariants.js";
import { World } from "./support/world.js";

function teardownKind(reason: string): string {
  if (reason.startsWith("deadline")) return "deadline";
  if (reason.endsWith("before its VM was busy")) return "before busy";
  return reason;
}

describe("the reconciler in a generated world", () => {
  it("keeps every invariant after every event and pass", () => {
    const runs = numRuns();
    // Tallies what the runs exercised, so the property cannot pass by doing nothing.
    const seen = new Map<string, number>();
    const tally = (actions: readonly Action[]): void => {
      for (const action of actions) {
        const label =
          action.type === "teardown-vm" ? `teardown: ${teardownKind(action.reason)}` : action.type;
        seen.set(label, (seen.get(label) ?? 0) + 1);
      }
    };
    fc.assert(
      fc.property(capacityArb, policyArb, commandsArb, (capacity, policy, commands) => {
        const invariants = createInvariants();
        const world = new World(capacity, policy, {
          onEvent: invariants.onEvent,
          onPass: (state, actions) => {
            tally(actions);
            for (const job of state.ledger.jobs.values())
              if (job.status === "queued" && inBackoff(job, state.now, policy))
                seen.set("retry backoff", (seen.get("retry backoff") ?? 0) + 1);
            invariants.onPass(state, actions);
          },
        });
        try {
          world.settle();
          for (const command of commands) world.run(command);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          throw new Error(`${message}\ntrace:\n${world.trace.join("\n")}`, { cause: error });
        }
      }),
      { numRuns: runs },
    );
    // A handful of runs (FC_NUM_RUNS=5 while debugging) need not exercise everything.
    if (runs < 100) return;
    for (const label of [
      "start-vm",
      "give-up-job",
      "prune-job",
      "mark-vm-unneeded",
      "mark-vm-needed",
      "teardown: job completed",
      "teardown: before busy",
      "teardown: deadline",
      "teardown: idle",
      "retry backoff",
    ]) {
      expect(seen.get(label) ?? 0, label).toBeGreaterThan(0);
    }
  });
});
