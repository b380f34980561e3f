/** Generators for the world property tests. */
import fc from "fast-check";
import type { Capacity, ReconcilePolicy } from "../../../../src/executor/model.js";
import type { Command } from "./world.js";

const MINUTE = 60_000;

export const capacityArb: fc.Arbitrary<Capacity> = fc.record({
  maxVms: fc.integer({ min: 1, max: 3 }),
  cpuLimit: fc.option(fc.integer({ min: 4, max: 12 }), { nil: null }),
  memoryLimitMiB: fc.option(fc.constantFrom(8192, 16384, 24576), { nil: null }),
  accepting: fc.constant(true),
});

export const policyArb: fc.Arbitrary<ReconcilePolicy> = fc.record({
  idleTimeoutMs: fc.constantFrom(0, 2 * MINUTE, 5 * MINUTE),
  maxAttempts: fc.integer({ min: 1, max: 3 }),
  phaseDeadlineMs: fc.record({
    cloning: fc.constantFrom(10 * MINUTE, 30 * MINUTE),
    booting: fc.constantFrom(3 * MINUTE, 10 * MINUTE),
    provisioning: fc.constantFrom(3 * MINUTE, 10 * MINUTE),
    idle: fc.constantFrom(4 * MINUTE, 30 * MINUTE),
    busy: fc.constantFrom(10 * MINUTE, 60 * MINUTE),
    "tearing-down": fc.constant(5 * MINUTE),
  }),
  completedGraceMs: fc.constantFrom(0, MINUTE),
  tombstoneMs: fc.constantFrom(0, 10 * MINUTE, 60 * MINUTE),
  retryBackoffMs: fc.constantFrom(0, 30_000, 2 * MINUTE),
});

const pick = fc.nat(20);
export const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant("new-job"), shape: pick, deliverNow: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("gate"), job: pick, deliverNow: fc.boolean() }) },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant("dispatch"), vm: pick, job: pick, reportBusy: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("take-elsewhere"), job: pick, deliverNow: fc.boolean() }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("finish"), job: pick, deliverNow: fc.boolean() }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("deliver"), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("redeliver"), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("drop"), pick }) },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("vm-advance"),
      vm: pick,
      repeat: fc.constantFrom(false, false, false, false, true),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("vm-fail"), vm: pick, tearingFirst: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("vm-gone"), vm: pick }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("drain"), commands: fc.integer({ min: 1, max: 10 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("tick"), ms: fc.integer({ min: 0, max: 2 * MINUTE }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("tick"), ms: fc.integer({ min: 0, max: 15 * MINUTE }) }),
  },
);

/** Long enough runs that VMs get started, reused, failed and torn down many times. */
export const commandsArb: fc.Arbitrary<Command[]> = fc.array(commandArb, {
  minLength: 10,
  maxLength: 150,
  size: "max",
});
