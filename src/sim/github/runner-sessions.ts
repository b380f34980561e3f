/**
 * Listener sessions of the simulated runners: an open session makes a runner `online`; its
 * long-poll receives assignments. A session nobody polls for `sessionTimeoutMs` (a VM that died
 * without saying goodbye) is closed, and with `jitIdleTimeoutMs` an idle JIT runner is removed the
 * way GitHub reportedly removes idle JIT runners after some minutes.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../../clock.js";
import type { JobAssignment } from "../runner-protocol.js";
import { sleepUnlessAborted, type Changes } from "./changes.js";
import type { JobRouter } from "./job-router.js";
import type { Runner, RunnerRegistry, Session } from "./runner-registry.js";
import type { TaskGroup } from "./task-group.js";

export interface RunnerSessionsDeps {
  readonly clock: Clock;
  readonly tasks: TaskGroup;
  readonly changes: Changes;
  readonly registry: RunnerRegistry;
  readonly router: JobRouter;
  readonly sessionTimeoutMs: number;
  readonly jitIdleTimeoutMs: number | undefined;
  /** Longest a single long-poll is held open. */
  readonly maxPollMs: number;
}

export type PollResult = JobAssignment | "nothing" | "runner-gone" | "session-gone";

export class RunnerSessions {
  readonly #deps: RunnerSessionsDeps;

  constructor(deps: RunnerSessionsDeps) {
    this.#deps = deps;
  }

  /** Opens the listener session; undefined when one is already open (session conflict). */
  open(runner: Runner, os: string): Session | undefined {
    if (runner.session !== undefined) return undefined;
    const now = this.#deps.clock.now();
    const session: Session = { id: randomUUID(), openedAtMs: now, lastSeenMs: now, polling: 0 };
    runner.session = session;
    // A JIT runner's OS is unknown to the service until the runner connects.
    if (runner.os === "unknown") runner.os = os;
    this.#deps.changes.notify();
    this.#deps.router.pump();
    this.#deps.tasks.spawn(() => this.#watch(runner, session));
    return session;
  }

  close(runner: Runner, reason: string): void {
    if (runner.session === undefined) return;
    runner.session = undefined;
    this.#deps.changes.notify();
    this.#deps.router.runnerGone(runner, reason);
  }

  async poll(runner: Runner, sessionId: string, waitMs: number, signal: AbortSignal): Promise<PollResult> {
    const session = runner.session;
    if (session === undefined || session.id !== sessionId) return "session-gone";
    const { clock, changes, registry, router } = this.#deps;
    const deadline = clock.now() + Math.min(Math.max(0, waitMs), this.#deps.maxPollMs);
    session.polling += 1;
    try {
      for (;;) {
        if (registry.get(runner.id) !== runner) return "runner-gone";
        if (runner.session !== session) return "session-gone";
        const assignment = router.handOut(runner);
        if (assignment !== undefined) return assignment;
        const left = deadline - clock.now();
        if (left <= 0 || signal.aborted) return "nothing";
        const woke = new AbortController();
        const stop = AbortSignal.any([woke.signal, signal, this.#deps.tasks.signal]);
        await Promise.race([changes.next(stop), sleepUnlessAborted(clock, left, stop)]);
        woke.abort();
      }
    } finally {
      session.polling -= 1;
      session.lastSeenMs = clock.now();
    }
  }

  async #watch(runner: Runner, session: Session): Promise<void> {
    const { clock, changes, registry, router, sessionTimeoutMs, jitIdleTimeoutMs, tasks } = this.#deps;
    for (;;) {
      if (runner.session !== session || registry.get(runner.id) !== runner) return;
      const now = clock.now();
      const idle = runner.runningJobId === undefined && runner.assignedJobId === undefined;
      const waits: number[] = [sessionTimeoutMs];
      if (idle && session.polling === 0) {
        const silent = now - session.lastSeenMs;
        if (silent >= sessionTimeoutMs) return this.close(runner, `no poll for ${silent} ms`);
        waits.push(sessionTimeoutMs - silent);
      }
      if (idle && runner.jit && jitIdleTimeoutMs !== undefined) {
        const idleFor = now - Math.max(session.openedAtMs, runner.idleSinceMs);
        if (idleFor >= jitIdleTimeoutMs) return router.removeRunner(runner, `idle JIT runner expired`);
        waits.push(jitIdleTimeoutMs - idleFor);
      }
      // Woken by any change as well (the session closed, the runner removed), so a watcher ends
      // with its session instead of holding a listener on the task group's signal until its timer.
      const woke = new AbortController();
      const stop = AbortSignal.any([woke.signal, tasks.signal]);
      await Promise.race([changes.next(stop), sleepUnlessAborted(clock, Math.min(...waits), stop)]);
      woke.abort();
      if (tasks.signal.aborted) return;
    }
  }
}
