/** Drives the pure reducer and planner like the engine does, with the clock and answers in the test's hands. */
import { applyRouterEvent, emptyRouterState } from "../../../../src/router/router-ledger.js";
import type {
  DispatchKind,
  Forward,
  ForwardFailure,
  RouterEvent,
  RouterPolicy,
  RouterState,
} from "../../../../src/router/router-model.js";
import type { ForwardResult } from "../../../../src/shared/router-protocol.js";
import { planDispatch } from "../../../../src/router/plan-dispatch.js";
import { capacity, delivery, policy, type DeliveryOptions } from "./fixtures.js";
import type { RouterJobStatus } from "../../../../src/router/router-model.js";

export class World {
  state: RouterState;
  now = 1_000_000;
  readonly events: RouterEvent[] = [];

  constructor(routerPolicy: RouterPolicy = policy()) {
    this.state = emptyRouterState(routerPolicy, this.now);
  }

  apply(event: RouterEvent): RouterState {
    this.events.push(event);
    this.state = applyRouterEvent(this.state, event);
    return this.state;
  }

  deliver(jobId: number, action: RouterJobStatus, options: DeliveryOptions = {}): RouterState {
    return this.apply(delivery(this.now, jobId, action, options));
  }

  up(host: string, freeSlots: number, extra: Parameters<typeof capacity>[1] = {}): void {
    this.apply({ type: "host-answered", at: this.now, host, capacity: capacity(freeSlots, extra) });
  }

  down(host: string): void {
    this.apply({ type: "host-failed", at: this.now, host });
  }

  /** Plans and records each forward as started, like a dispatch pass. */
  pass(): Forward[] {
    const forwards = planDispatch(this.state, this.now);
    for (const forward of forwards) {
      this.apply(
        forward.kind === "event"
          ? { type: "event-started", at: this.now, host: forward.host, delivery: forward.delivery.id }
          : {
              type: "forward-started",
              at: this.now,
              job: forward.job,
              host: forward.host,
              kind: forward.kind,
            },
      );
    }
    return forwards;
  }

  answer(forward: Forward, result: ForwardResult, freeSlots: number): void {
    const cap = capacity(freeSlots);
    if (forward.kind === "event") {
      this.apply({
        type: "event-answered",
        at: this.now,
        host: forward.host,
        delivery: forward.delivery.id,
        capacity: cap,
      });
      return;
    }
    this.apply({
      type: "forward-answered",
      at: this.now,
      job: forward.job,
      host: forward.host,
      kind: forward.kind as DispatchKind,
      result,
      capacity: cap,
    });
  }

  fail(forward: Forward, failure: ForwardFailure): void {
    if (forward.kind === "event") {
      this.apply({
        type: "event-failed",
        at: this.now,
        host: forward.host,
        delivery: forward.delivery.id,
        failure,
      });
      return;
    }
    this.apply({
      type: "forward-failed",
      at: this.now,
      job: forward.job,
      host: forward.host,
      kind: forward.kind,
      failure,
    });
  }

  outbox(host: string): string[] {
    return (this.state.hosts.get(host)?.outbox ?? []).map((entry) => entry.id);
  }
}

/** Dispatch forwards only, as `job→host`. */
export function placements(forwards: readonly Forward[]): string[] {
  return forwards.flatMap((forward) => (forward.kind === "event" ? [] : [`${forward.job}→${forward.host}`]));
}
