import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PersistentMap } from "../../../src/router/persistent-map.js";
import { numRuns } from "../executor/support/fc.js";

type Op = { set: string; value: number } | { del: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ set: fc.string({ maxLength: 6 }), value: fc.integer() }),
  fc.record({ del: fc.string({ maxLength: 6 }) }),
);

describe("PersistentMap", () => {
  it("behaves like a Map, and never changes a version once made", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
        const model = new Map<string, number>();
        let map = PersistentMap.empty<number>();
        for (const op of ops) {
          const before = map;
          const beforeEntries = [...before].sort();
          if ("set" in op) {
            model.set(op.set, op.value);
            map = map.set(op.set, op.value);
          } else {
            model.delete(op.del);
            map = map.delete(op.del);
          }
          expect([...before].sort()).toEqual(beforeEntries);
        }
        expect(map.size).toBe(model.size);
        expect([...map].sort()).toEqual([...model].sort());
        for (const [key, value] of model) expect(map.get(key)).toBe(value);
        expect(PersistentMap.from(model).size).toBe(model.size);
      }),
      { numRuns: numRuns() },
    );
  });
});
