/**
 * A random run of the router's pure core against modelled executors: deliveries in any order,
 * hosts going up and down, forwards answered in every way the protocol allows (or left in flight
 * for a while), and time passing. Executors remember every job they recorded and never let go, so
 * "two hosts hold a job" is visible.
 */
import fc from "fast-check";
import type { Forward, RouterJobStatus, RouterState } from "../../../../src/router/router-model.js";
import { GRACE_MS, HOSTS, key, runnerOf } from "./fixtures.js";
import { World } from "./world.js";

export type Outcome =
  | "accept"
  | "full"
  | "ignored"
  | "invalid"
  | "refused"
  | "failed"
  | "failed-recorded"
  | "not-sent"
  | "pending";

export type Command =
  | {
      t: "deliver";
      job: number;
      action: RouterJobStatus;
      runner: number | null;
      deliveryId: number;
      cpu: boolean;
    }
  | { t: "status"; host: number; up: boolean; free: number }
  | { t: "pass"; outcomes: Outcome[] }
  | { t: "settle"; outcomes: Outcome[] }
  | { t: "advance"; ms: number };

const hostIndex = fc.integer({ min: 0, max: HOSTS.length - 1 });
const outcomes = fc.array(
  fc.constantFrom<Outcome>(
    "accept",
    "accept",
    "full",
    "ignored",
    "invalid",
    "refused",
    "failed",
    "failed-recorded",
    "not-sent",
    "pending",
  ),
  { minLength: 1, maxLength: 6 },
);

export const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("deliver" as const),
      job: fc.integer({ min: 1, max: 6 }),
      action: fc.constantFrom<RouterJobStatus>(
        "queued",
        "queued",
        "queued",
        "waiting",
        "in_progress",
        "completed",
      ),
      runner: fc.option(hostIndex),
      deliveryId: fc.integer({ min: 1, max: 4 }),
      cpu: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("status" as const),
      host: hostIndex,
      up: fc.boolean(),
      free: fc.integer({ min: 0, max: 3 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("pass" as const), outcomes }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("settle" as const), outcomes }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 20_000 }) }),
  },
);

export interface PassRecord {
  readonly before: RouterState;
  readonly now: number;
  readonly forwards: readonly Forward[];
}

export class Simulation {
  readonly world = new World();
  readonly holders = new Map<string, Set<string>>();
  readonly takeovers = new Map<string, number>();
  readonly passes: PassRecord[] = [];
  readonly everCompleted = new Set<string>();
  #pending: Forward[] = [];

  run(commands: readonly Command[], check: (sim: Simulation) => void): void {
    for (const command of commands) {
      this.#step(command);
      check(this);
    }
  }

  #step(command: Command): void {
    const world = this.world;
    switch (command.t) {
      case "deliver": {
        const labels = command.cpu ? ["tartelet", "cpu:8"] : ["tartelet"];
        const runner = command.runner === null ? null : runnerOf(HOSTS[command.runner]!.hostname);
        world.deliver(command.job, command.action, {
          labels,
          runnerName: command.action === "in_progress" || command.action === "completed" ? runner : null,
          deliveryId: `${command.action}-${command.job}-${command.deliveryId}`,
        });
        break;
      }
      case "status":
        if (command.up) world.up(HOSTS[command.host]!.hostname, command.free);
        else world.down(HOSTS[command.host]!.hostname);
        break;
      case "pass": {
        const before = world.state;
        const forwards = world.pass();
        this.passes.push({ before, now: world.now, forwards });
        for (const forward of forwards) {
          if (forward.kind === "dispatch" && before.jobs.get(forward.job)?.owner != null)
            this.takeovers.set(forward.job, (this.takeovers.get(forward.job) ?? 0) + 1);
          this.#pending.push(forward);
        }
        this.#settle(command.outcomes);
        break;
      }
      case "settle":
        this.#settle(command.outcomes);
        break;
      case "advance":
        world.now += command.ms;
        break;
    }
    for (const job of world.state.jobs.values())
      if (job.status === "completed") this.everCompleted.add(job.key);
  }

  /** Answers pending forwards with the given outcomes in turn; `pending` leaves one in flight. */
  #settle(choices: readonly Outcome[]): void {
    const pending = this.#pending;
    this.#pending = [];
    pending.forEach((forward, index) => {
      const outcome = choices[index % choices.length]!;
      if (outcome === "pending") this.#pending.push(forward);
      else this.#answer(forward, outcome);
    });
  }

  #answer(forward: Forward, outcome: Exclude<Outcome, "pending">): void {
    const world = this.world;
    if (forward.kind === "event") {
      if (outcome === "refused" || outcome === "failed" || outcome === "invalid")
        world.fail(forward, outcome);
      else world.answer(forward, "recorded", 1);
      return;
    }
    const held = this.holders.get(forward.job) ?? new Set<string>();
    this.holders.set(forward.job, held);
    const has = held.has(forward.host);
    switch (outcome) {
      case "accept":
        held.add(forward.host);
        return world.answer(forward, has ? "duplicate" : "accepted", 1);
      case "full":
        return world.answer(forward, has ? "duplicate" : "full", 0);
      case "ignored":
        return world.answer(forward, has ? "duplicate" : "ignored", 1);
      case "failed-recorded":
        held.add(forward.host);
        return world.fail(forward, "failed");
      case "invalid":
        // Same bytes, same checks: an executor that recorded them once gets as far as its dedupe again.
        return has ? world.answer(forward, "duplicate", 1) : world.fail(forward, outcome);
      case "refused":
      case "failed":
      case "not-sent":
        return world.fail(forward, outcome);
    }
  }
}

/** Whether `job` could have been placed on `host` at the start of a pass (limits only; the sim reports no budgets). */
export function eligibleFor(state: RouterState, jobKey: string, host: string, now: number): boolean {
  const job = state.jobs.get(jobKey);
  const config = state.policy.hosts.find((h) => h.hostname === host);
  if (job === undefined || config === undefined) return false;
  if (
    job.status !== "queued" ||
    job.dispatch === null ||
    job.inFlightTo !== null ||
    job.undeliverable !== null
  )
    return false;
  if (job.declinedBy.includes(host)) return false;
  const owner = job.owner === null ? undefined : state.hosts.get(job.owner);
  if (owner !== undefined && (owner.up || now - (owner.downSince ?? now) < GRACE_MS)) return false;
  const needsCpu = job.labels.includes("cpu:8");
  return !(needsCpu && config.cpuLimit !== undefined && config.cpuLimit < 8);
}

export { key };
