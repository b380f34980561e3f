/**
 * Properties of the router's pure core over random runs (support/simulation.ts): one host at a
 * time per job, no second holder without a takeover after the grace period, arrival order kept,
 * no forward to a down or full host, completed final, and a replay that rebuilds the same state.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { indexJobs } from "../../../src/router/job-index.js";
import { applyRouterEvent, emptyRouterState } from "../../../src/router/router-ledger.js";
import { numRuns } from "../executor/support/fc.js";
import { GRACE_MS, policy } from "./support/fixtures.js";
import { commandArb, eligibleFor, Simulation } from "./support/simulation.js";

const runs = fc.array(commandArb, { minLength: 5, maxLength: 80, size: "max" });

function simulate(commands: Parameters<Simulation["run"]>[0], check: (sim: Simulation) => void = () => {}) {
  const sim = new Simulation();
  sim.run(commands, check);
  return sim;
}

describe("router ledger properties", () => {
  it("a job is in flight to at most its owner, a confirmed owner is an owner, and the indexes agree", () => {
    fc.assert(
      fc.property(runs, (commands) => {
        simulate(commands, (sim) => {
          const { awaiting, held } = indexJobs(sim.world.state.jobs);
          expect(sim.world.state.awaiting).toEqual(awaiting);
          expect(new Map([...sim.world.state.held].sort())).toEqual(new Map([...held].sort()));
          for (const job of sim.world.state.jobs.values()) {
            if (job.inFlightTo !== null) expect(job.owner).toBe(job.inFlightTo);
            if (job.ownerConfirmed) expect(job.owner).not.toBeNull();
          }
        });
      }),
      { numRuns: numRuns() },
    );
  });

  it("never has two hosts hold a job unless its owner was lost for the grace period", () => {
    fc.assert(
      fc.property(runs, (commands) => {
        const sim = simulate(commands);
        for (const pass of sim.passes) {
          for (const forward of pass.forwards) {
            if (forward.kind !== "dispatch") continue;
            const owner = pass.before.jobs.get(forward.job)?.owner ?? null;
            if (owner !== null) {
              // Written out, not ownerLost(): the test must not share the code it checks.
              const host = pass.before.hosts.get(owner);
              expect(host?.up).toBe(false);
              expect(pass.now - (host?.downSince ?? Number.POSITIVE_INFINITY)).toBeGreaterThanOrEqual(
                GRACE_MS,
              );
              expect(pass.before.jobs.get(forward.job)?.status).toBe("queued");
            }
          }
        }
        for (const [job, holders] of sim.holders)
          expect(holders.size).toBeLessThanOrEqual(1 + (sim.takeovers.get(job) ?? 0));
      }),
      { numRuns: numRuns() },
    );
  });

  it("never forwards to a down host, nor more jobs than a host has free slots", () => {
    fc.assert(
      fc.property(runs, (commands) => {
        for (const { before, forwards } of simulate(commands).passes) {
          const inFlight = new Map<string, number>();
          for (const job of before.jobs.values())
            if (job.inFlightTo !== null)
              inFlight.set(job.inFlightTo, (inFlight.get(job.inFlightTo) ?? 0) + 1);
          const placed = new Map<string, number>();
          const jobs = new Set<string>();
          for (const forward of forwards) {
            expect(before.hosts.get(forward.host)?.up).toBe(true);
            if (forward.kind === "event") continue;
            expect(jobs.has(forward.job)).toBe(false);
            jobs.add(forward.job);
            if (forward.kind === "dispatch") placed.set(forward.host, (placed.get(forward.host) ?? 0) + 1);
          }
          for (const [host, count] of placed) {
            const free = before.hosts.get(host)?.capacity?.freeSlots ?? 0;
            expect(count).toBeLessThanOrEqual(Math.max(0, free - (inFlight.get(host) ?? 0)));
          }
        }
      }),
      { numRuns: numRuns() },
    );
  });

  it("keeps arrival order: no job is placed on a host while an earlier one that fits it waits", () => {
    fc.assert(
      fc.property(runs, (commands) => {
        for (const { before, now, forwards } of simulate(commands).passes) {
          const placed = new Set(forwards.flatMap((f) => (f.kind === "dispatch" ? [f.job] : [])));
          for (const forward of forwards) {
            if (forward.kind !== "dispatch") continue;
            const seq = before.jobs.get(forward.job)!.seq;
            for (const earlier of before.jobs.values()) {
              if (earlier.seq >= seq || placed.has(earlier.key)) continue;
              expect(eligibleFor(before, earlier.key, forward.host, now)).toBe(false);
            }
          }
        }
      }),
      { numRuns: numRuns() },
    );
  });

  it("keeps completed final", () => {
    fc.assert(
      fc.property(runs, (commands) => {
        simulate(commands, (sim) => {
          for (const key of sim.everCompleted)
            expect(sim.world.state.jobs.get(key)?.status).toBe("completed");
        });
      }),
      { numRuns: numRuns() },
    );
  });

  it("rebuilds exactly the same state by replaying its events (through a JSON journal)", () => {
    fc.assert(
      fc.property(runs, (commands) => {
        const sim = simulate(commands);
        const journal = sim.world.events.map((event) => JSON.stringify(event));
        const start = sim.world.events[0]?.at ?? sim.world.now;
        let replayed = emptyRouterState(policy(), 1_000_000);
        for (const line of journal) replayed = applyRouterEvent(replayed, JSON.parse(line) as never);
        expect(JSON.stringify([...replayed.jobs])).toBe(JSON.stringify([...sim.world.state.jobs]));
        expect(JSON.stringify([...replayed.hosts])).toBe(JSON.stringify([...sim.world.state.hosts]));
        expect(start).toBeGreaterThan(0);
      }),
      { numRuns: numRuns() },
    );
  });
});
