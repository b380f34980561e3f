import { describe, expect, it } from "vitest";
import { applyRouterEvent } from "../../../src/router/router-ledger.js";
import { key } from "./support/fixtures.js";
import { World, placements } from "./support/world.js";

describe("an operator cancelling a job at the router", () => {
  it("takes a job out of the router's queue: it is never handed to a host", () => {
    const world = new World();
    world.deliver(1, "queued");
    world.deliver(3, "queued");
    world.apply({ type: "job-cancelled", at: world.now, job: key(1), reason: "cancelled by operator" });
    world.up("mac-a", 2);
    // job 3, queued after it and not cancelled, is handed over; job 1 is not
    expect(placements(world.pass())).toEqual([`${key(3)}→mac-a`]);
    expect(world.state.jobs.get(key(1))?.undeliverable).toBe("cancelled by operator");
  });

  it("leaves a job alone once it is being handed to a host (that host owns its fate)", () => {
    const world = new World();
    world.up("mac-a", 2);
    world.deliver(2, "queued");
    expect(placements(world.pass())).toHaveLength(1);
    const before = world.state;
    expect(applyRouterEvent(before, { type: "job-cancelled", at: world.now, job: key(2), reason: "x" })).toBe(
      before,
    );
  });

  it("ignores unknown jobs", () => {
    const world = new World();
    const before = world.state;
    expect(applyRouterEvent(before, { type: "job-cancelled", at: 1, job: key(99), reason: "x" })).toBe(
      before,
    );
  });
});
