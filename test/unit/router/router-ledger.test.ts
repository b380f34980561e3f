import { describe, expect, it } from "vitest";
import { restartedState } from "../../../src/router/router-ledger.js";
import { GRACE_MS, HOSTS, key, policy, runnerOf } from "./support/fixtures.js";
import { placements, World } from "./support/world.js";

/** A world where job 1 was handed to mac-a and accepted. */
function ownedByA(): World {
  const world = new World();
  world.up("mac-a", 2);
  world.up("mac-b", 2, { activeVirtualMachines: 1 });
  world.deliver(1, "queued");
  const [forward] = world.pass();
  expect(forward?.host).toBe("mac-a");
  world.answer(forward!, "accepted", 1);
  return world;
}

describe("ownership and later events", () => {
  it("sends in_progress and completed to the owner only", () => {
    const world = ownedByA();
    expect(world.state.jobs.get(key(1))).toMatchObject({ owner: "mac-a", ownerConfirmed: true });
    world.deliver(1, "in_progress", { runnerName: runnerOf("mac-a") });
    world.deliver(1, "completed", { runnerName: runnerOf("mac-a") });
    expect(world.outbox("mac-a")).toEqual(["in_progress-1", "completed-1"]);
    expect(world.outbox("mac-b")).toEqual([]);
    expect(world.state.jobs.get(key(1))?.status).toBe("completed");
  });

  it("also sends in_progress to the host whose runner took the job", () => {
    const world = ownedByA();
    world.deliver(1, "in_progress", { runnerName: runnerOf("mac-b") });
    expect(world.outbox("mac-a")).toEqual(["in_progress-1"]);
    expect(world.outbox("mac-b")).toEqual(["in_progress-1"]);
    world.deliver(1, "completed", { runnerName: runnerOf("mac-b") });
    expect(world.outbox("mac-b")).toEqual(["in_progress-1", "completed-1"]);
  });

  it("gives a queued job taken by another host's runner to that host only, and stops dispatching it", () => {
    const world = new World();
    world.deliver(1, "queued");
    world.deliver(1, "in_progress", { runnerName: runnerOf("mac-b") });
    expect(world.outbox("mac-b")).toEqual(["in_progress-1"]);
    expect(world.outbox("mac-a")).toEqual([]);
    world.up("mac-a", 2);
    expect(placements(world.pass())).toEqual([]);
  });

  it("broadcasts events of jobs it never saw", () => {
    const world = new World();
    world.deliver(7, "completed", { runnerName: "some-other-runner" });
    for (const host of HOSTS) expect(world.outbox(host.hostname)).toEqual(["completed-7"]);
    world.deliver(7, "in_progress", { deliveryId: "late" });
    for (const host of HOSTS) expect(world.outbox(host.hostname)).toEqual(["completed-7"]);
  });

  it("ignores a duplicate delivery entirely", () => {
    const world = ownedByA();
    world.deliver(1, "in_progress", { runnerName: runnerOf("mac-a") });
    const before = world.state;
    expect(world.deliver(1, "in_progress", { runnerName: runnerOf("mac-a") })).toBe(before);
  });

  it("keeps completed final and ignores a late queued", () => {
    const world = new World();
    world.up("mac-a", 2);
    world.deliver(1, "completed");
    world.deliver(1, "in_progress");
    world.deliver(1, "queued");
    expect(world.state.jobs.get(key(1))?.status).toBe("completed");
    expect(placements(world.pass())).toEqual([]);
  });

  it("lets queued and waiting follow the latest, but never undo in_progress", () => {
    const world = new World();
    world.deliver(1, "waiting");
    world.deliver(1, "queued");
    expect(world.state.jobs.get(key(1))?.status).toBe("queued");
    world.deliver(1, "waiting", { deliveryId: "waiting-again" });
    expect(world.state.jobs.get(key(1))?.status).toBe("waiting");
    world.up("mac-a", 1);
    expect(placements(world.pass())).toEqual([]);
    world.deliver(1, "in_progress");
    world.deliver(1, "queued", { deliveryId: "queued-late" });
    expect(world.state.jobs.get(key(1))?.status).toBe("in_progress");
  });

  it("delivers a down host's events when it is back, in order", () => {
    const world = ownedByA();
    world.down("mac-a");
    world.deliver(1, "in_progress", { runnerName: runnerOf("mac-a") });
    world.deliver(1, "completed", { runnerName: runnerOf("mac-a") });
    expect(world.pass()).toEqual([]);
    world.up("mac-a", 2);
    const [first, ...rest] = world.pass();
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ kind: "event", host: "mac-a", delivery: { id: "in_progress-1" } });
    world.answer(first!, "recorded", 2);
    const [second] = world.pass();
    expect(second).toMatchObject({ kind: "event", delivery: { id: "completed-1" } });
  });

  it("bounds a down host's outbox, dropping the oldest", () => {
    const world = new World(policy(HOSTS, 2));
    for (const id of [1, 2, 3]) world.deliver(id, "completed");
    expect(world.outbox("mac-a")).toEqual(["completed-2", "completed-3"]);
    expect(world.state.hosts.get("mac-a")?.outboxDropped).toBe(1);
  });
});

describe("host failure", () => {
  it("backs off exponentially up to the maximum", () => {
    const world = new World();
    const retries: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      world.down("mac-a");
      retries.push(world.state.hosts.get("mac-a")!.retryAt - world.now);
    }
    expect(retries).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    world.up("mac-a", 1);
    expect(world.state.hosts.get("mac-a")).toMatchObject({ up: true, failures: 0, downSince: null });
  });

  it("moves a dead owner's queued jobs elsewhere only after the grace period", () => {
    const world = ownedByA();
    world.deliver(2, "queued");
    world.pass().forEach((forward) => world.answer(forward, "accepted", 0));
    expect(world.state.jobs.get(key(2))?.owner).toBe("mac-a");
    world.deliver(2, "in_progress", { runnerName: runnerOf("mac-a") });
    world.down("mac-a");
    world.up("mac-b", 3);
    world.now += GRACE_MS - 1;
    expect(placements(world.pass())).toEqual([]);
    world.now += 1;
    // Job 2 is running on mac-a: it stays there.
    expect(placements(world.pass())).toEqual([`${key(1)}→mac-b`]);
    expect(world.state.jobs.get(key(1))).toMatchObject({
      owner: "mac-b",
      ownerConfirmed: false,
      informed: ["mac-a"],
    });
  });

  it("sends later events of a moved job to the old owner too, so it can let go", () => {
    const world = ownedByA();
    world.down("mac-a");
    world.up("mac-b", 3);
    world.now += GRACE_MS;
    world.pass().forEach((forward) => world.answer(forward, "accepted", 2));
    world.deliver(1, "in_progress", { runnerName: runnerOf("mac-b") });
    expect(world.outbox("mac-a")).toEqual(["in_progress-1"]);
    expect(world.outbox("mac-b")).toEqual(["in_progress-1"]);
  });

  it("keeps a job with a host whose answer timed out, and asks that host again when it is back", () => {
    const world = new World();
    world.up("mac-a", 2);
    world.up("mac-b", 2, { activeVirtualMachines: 1 });
    world.deliver(1, "queued");
    const [forward] = world.pass();
    world.fail(forward!, "failed");
    expect(world.state.jobs.get(key(1))).toMatchObject({
      owner: "mac-a",
      ownerConfirmed: false,
      inFlightTo: null,
    });
    expect(world.state.hosts.get("mac-a")?.up).toBe(false);
    expect(world.pass()).toEqual([]);
    world.up("mac-a", 1);
    const [confirm] = world.pass();
    expect(confirm).toMatchObject({ kind: "confirm", host: "mac-a", job: key(1) });
    world.answer(confirm!, "duplicate", 1);
    expect(world.state.jobs.get(key(1))).toMatchObject({ owner: "mac-a", ownerConfirmed: true });
  });

  it("retries elsewhere at once when the connection was refused", () => {
    const world = new World();
    world.up("mac-a", 2);
    world.up("mac-b", 2, { activeVirtualMachines: 1 });
    world.deliver(1, "queued");
    const [forward] = world.pass();
    world.fail(forward!, "refused");
    expect(world.state.jobs.get(key(1))?.owner).toBeNull();
    expect(placements(world.pass())).toEqual([`${key(1)}→mac-b`]);
  });

  it("never has a job in flight to two hosts, nor hands an owned job to another live host", () => {
    const world = new World();
    world.up("mac-a", 1);
    world.up("mac-b", 1, { activeVirtualMachines: 1 });
    world.deliver(1, "queued");
    world.pass();
    world.up("mac-a", 0);
    expect(world.pass()).toEqual([]);
    const started = world.apply({
      type: "forward-started",
      at: world.now,
      job: key(1),
      host: "mac-b",
      kind: "dispatch",
    });
    expect(started.jobs.get(key(1))).toMatchObject({ owner: "mac-a", inFlightTo: "mac-a" });
  });

  it("after a restart, forgets health and flights but keeps ownership to confirm", () => {
    const world = new World();
    world.up("mac-a", 2);
    world.deliver(1, "queued");
    world.pass();
    const restarted = restartedState(world.state, policy(), world.now + 5);
    expect(restarted.jobs.get(key(1))).toMatchObject({
      owner: "mac-a",
      ownerConfirmed: false,
      inFlightTo: null,
    });
    expect(restarted.hosts.get("mac-a")).toMatchObject({
      up: false,
      capacity: null,
      downSince: world.now + 5,
    });
  });
});

describe("pruning", () => {
  it("forgets completed jobs after the retention, and any job untouched for days", () => {
    const world = new World();
    world.deliver(1, "completed");
    world.deliver(2, "queued");
    world.now += 3_600_000;
    world.apply({ type: "jobs-pruned", at: world.now });
    expect([...world.state.jobs.keys()]).toEqual([key(2)]);
    world.now += 48 * 3_600_000;
    world.apply({ type: "jobs-pruned", at: world.now });
    expect(world.state.jobs.size).toBe(0);
  });
});
