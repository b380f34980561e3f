import { describe, expect, it } from "vitest";
import { HOSTS, key, policy } from "./support/fixtures.js";
import { placements, World } from "./support/world.js";

const [A, B] = [`→mac-a`, `→mac-b`];

describe("planDispatch: choosing a host", () => {
  it("prefers the lowest priority value", () => {
    const world = new World(
      policy([
        { ...HOSTS[0]!, priority: 5 },
        { ...HOSTS[1]!, priority: 2 },
      ]),
    );
    world.up("mac-a", 2);
    world.up("mac-b", 2);
    world.deliver(1, "queued");
    expect(placements(world.pass())).toEqual([key(1) + B]);
  });

  it("breaks priority ties by fewest busy slots, then by config order", () => {
    const world = new World();
    world.up("mac-a", 2, { activeVirtualMachines: 3 });
    world.up("mac-b", 2, { activeVirtualMachines: 1 });
    world.deliver(1, "queued");
    expect(placements(world.pass())).toEqual([key(1) + B]);

    const even = new World();
    even.up("mac-a", 2);
    even.up("mac-b", 2);
    even.deliver(1, "queued");
    even.deliver(2, "queued");
    even.deliver(3, "queued");
    // a, then b (a is busier by one promised slot), then a again (tie, config order).
    expect(placements(even.pass())).toEqual([key(1) + A, key(2) + B, key(3) + A]);
  });

  it("skips hosts whose cpuLimit/memoryLimit the job's labels exceed", () => {
    const world = new World(
      policy([
        { ...HOSTS[2]!, priority: 0 },
        { ...HOSTS[0]!, priority: 1 },
      ]),
    );
    world.up("mac-c", 4);
    world.up("mac-a", 4);
    world.deliver(1, "queued", { labels: ["tartelet", "cpu:8"] });
    world.deliver(2, "queued", { labels: ["tartelet", "memory:16384"] });
    world.deliver(3, "queued", { labels: ["tartelet", "cpu:4", "memory:8192"] });
    expect(placements(world.pass())).toEqual([key(1) + A, key(2) + A, `${key(3)}→mac-c`]);
  });

  it("skips a host whose reported CPU budget is used up, without asking it", () => {
    const world = new World();
    world.up("mac-a", 2, { cpuLimit: 8, cpuUsed: 6 });
    world.up("mac-b", 2, { activeVirtualMachines: 1 });
    world.deliver(1, "queued", { labels: ["tartelet", "cpu:4"] });
    expect(placements(world.pass())).toEqual([key(1) + B]);
  });

  it("never sends to a host that is down or has not answered yet", () => {
    const world = new World();
    world.deliver(1, "queued");
    expect(world.pass()).toEqual([]);
    world.up("mac-b", 1);
    world.down("mac-b");
    expect(world.pass()).toEqual([]);
  });

  it("counts a forward in flight against the slot even when its job turned waiting or completed meanwhile", () => {
    const world = new World(policy([HOSTS[0]!]));
    world.up("mac-a", 1);
    world.deliver(1, "queued");
    world.deliver(2, "queued");
    expect(placements(world.pass())).toEqual([key(1) + A]);
    world.deliver(1, "completed");
    world.deliver(3, "queued");
    expect(placements(world.pass())).toEqual([]);
  });

  it("counts forwards in flight against a host's free slots", () => {
    const world = new World(policy([HOSTS[0]!]));
    world.up("mac-a", 2);
    for (const id of [1, 2, 3]) world.deliver(id, "queued");
    expect(placements(world.pass())).toEqual([key(1) + A, key(2) + A]);
    expect(world.pass()).toEqual([]);
  });
});

describe("planDispatch: full hosts and the queue", () => {
  it("tries the next host at once when one answers full", () => {
    const world = new World();
    world.up("mac-a", 1);
    world.up("mac-b", 1, { activeVirtualMachines: 1 });
    world.deliver(1, "queued");
    const [first] = world.pass();
    expect(first?.host).toBe("mac-a");
    // The executor saw it differently (its own status changed): the answer's capacity says 1 free.
    world.answer(first!, "full", 1);
    expect(world.state.jobs.get(key(1))?.owner).toBeNull();
    expect(placements(world.pass())).toEqual([key(1) + B]);
  });

  it("keeps jobs in arrival order while every host is full, and drains them in that order", () => {
    const world = new World();
    world.up("mac-a", 0);
    world.up("mac-b", 0);
    for (const id of [5, 3, 9, 1]) world.deliver(id, "queued");
    expect(world.pass()).toEqual([]);
    world.up("mac-b", 2);
    expect(placements(world.pass())).toEqual([key(5) + B, key(3) + B]);
    world.up("mac-a", 5);
    expect(placements(world.pass())).toEqual([key(9) + A, key(1) + A]);
  });

  it("lets a later job use a host an earlier one cannot, without losing the earlier one's place", () => {
    const world = new World(policy([HOSTS[2]!, HOSTS[0]!]));
    world.up("mac-c", 1);
    world.up("mac-a", 0);
    world.deliver(1, "queued", { labels: ["tartelet", "cpu:8"] });
    world.deliver(2, "queued");
    expect(placements(world.pass())).toEqual([`${key(2)}→mac-c`]);
    world.up("mac-a", 1);
    expect(placements(world.pass())).toEqual([key(1) + A]);
  });

  it("marks a job that no host's limits allow as undeliverable, once, and keeps it out of the queue", () => {
    const hostsWithLimits = new World(policy([HOSTS[2]!]));
    hostsWithLimits.up("mac-c", 4);
    hostsWithLimits.deliver(1, "queued", { labels: ["tartelet", "cpu:16"] });
    const job = hostsWithLimits.state.jobs.get(key(1));
    expect(job?.undeliverable).toMatch(/cpu:16.*mac-c \(cpuLimit 4/);
    expect(job?.dispatch).toBeNull();
    expect(hostsWithLimits.pass()).toEqual([]);
    const again = hostsWithLimits.deliver(1, "queued", { deliveryId: "second" });
    expect(again.jobs.get(key(1))?.undeliverable).toBe(job?.undeliverable);
  });

  it("marks a job with a malformed resource label undeliverable", () => {
    const world = new World();
    world.deliver(1, "queued", { labels: ["tartelet", "cpu:lots"] });
    expect(world.state.jobs.get(key(1))?.undeliverable).toMatch(/cpu:lots/);
    expect(world.state.awaiting).toEqual([]);
  });

  it("marks a job undeliverable when every host that could run it refused it", () => {
    const world = new World(policy([HOSTS[0]!, HOSTS[1]!]));
    world.up("mac-a", 1);
    world.up("mac-b", 1);
    world.deliver(1, "queued");
    const [first] = world.pass();
    world.answer(first!, "ignored", 1);
    const [second] = world.pass();
    expect(second?.host).not.toBe(first?.host);
    world.fail(second!, "invalid");
    expect(world.state.jobs.get(key(1))?.undeliverable).toMatch(/refused/);
    expect(world.pass()).toEqual([]);
  });
});

describe("planDispatch: warm VMs", () => {
  it("sends a job to a host with a matching idle warm VM before a host of better priority", () => {
    const world = new World(
      policy([
        { ...HOSTS[0]!, priority: 1 },
        { ...HOSTS[1]!, priority: 5 },
      ]),
    );
    world.up("mac-a", 2);
    world.up("mac-b", 1, { warmLabels: [["tartelet", "xcode16", "self-hosted"]] });
    world.deliver(1, "queued", { labels: ["Tartelet", "xcode16"] });
    world.deliver(2, "queued", { labels: ["tartelet", "xcode16"] });
    world.deliver(3, "queued", { labels: ["tartelet", "other"] });
    // Job 1 takes mac-b's warm VM; job 2 finds no warm VM left and goes by priority; so does 3.
    expect(placements(world.pass())).toEqual([key(1) + B, key(2) + A, key(3) + A]);
  });

  it("ignores warm VMs whose labels lack one the job asks for", () => {
    const world = new World(
      policy([
        { ...HOSTS[0]!, priority: 1 },
        { ...HOSTS[1]!, priority: 5 },
      ]),
    );
    world.up("mac-a", 2);
    world.up("mac-b", 2, { warmLabels: [["tartelet", "xcode16"]] });
    world.deliver(1, "queued", { labels: ["tartelet", "xcode16", "cpu:8"] });
    expect(placements(world.pass())).toEqual([key(1) + A]);
  });
});
