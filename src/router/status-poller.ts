/**
 * Host health: `GET /status` of every up host each statusInterval, of a down host when its
 * backoff ends (one good answer brings it back), and of all hosts at once when an executor nudges
 * the router (`POST /runner`). The same timer runs a dispatch pass (an owner's grace period may
 * have ended) and forgets old jobs once a minute.
 */
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import type { ForwardClient } from "./forward-client.js";
import { capacityOf } from "./protocol-schemas.js";
import type { RouterEngine } from "./router-engine.js";
import { isPrunable } from "./router-ledger.js";

const PRUNE_EVERY_MS = 60_000;

export interface StatusPollerDeps {
  readonly engine: RouterEngine;
  readonly client: ForwardClient;
  readonly clock: Clock;
  readonly log: Logger;
  readonly statusIntervalMs: number;
}

export class StatusPoller {
  readonly #deps: StatusPollerDeps;
  readonly #abort = new AbortController();
  readonly #polling = new Set<string>();
  readonly #lastPolled = new Map<string, number>();
  readonly #warnedNames = new Set<string>();
  #lastPrune: number;

  constructor(deps: StatusPollerDeps) {
    this.#deps = deps;
    this.#lastPrune = deps.clock.now();
  }

  start(): void {
    this.#deps.engine.track(this.#loop());
  }

  stop(): void {
    this.#abort.abort(new Error("stopping"));
  }

  /** Polls every host now (an executor said something changed). */
  pollNow(): void {
    this.#pollDue(true);
  }

  async #loop(): Promise<void> {
    const tickMs = Math.min(1000, Math.max(20, Math.floor(this.#deps.statusIntervalMs / 5)));
    while (!this.#abort.signal.aborted) {
      this.#pollDue(false);
      this.#pruneIfDue();
      this.#deps.engine.schedulePass();
      try {
        await this.#deps.clock.sleep(tickMs, this.#abort.signal);
      } catch {
        return;
      }
    }
  }

  #pollDue(force: boolean): void {
    if (this.#abort.signal.aborted) return;
    const now = this.#deps.clock.now();
    const { policy, hosts } = this.#deps.engine.state;
    for (const config of policy.hosts) {
      const host = hosts.get(config.hostname);
      if (host === undefined || this.#polling.has(config.hostname)) continue;
      const last = this.#lastPolled.get(config.hostname) ?? Number.NEGATIVE_INFINITY;
      const due = host.up ? now - last >= this.#deps.statusIntervalMs : now >= host.retryAt;
      if (due || force) this.#deps.engine.track(this.#poll(config.hostname, config.url, now));
    }
  }

  async #poll(hostname: string, url: string, now: number): Promise<void> {
    this.#polling.add(hostname);
    this.#lastPolled.set(hostname, now);
    try {
      const attempt = await this.#deps.client.status(url);
      const at = this.#deps.clock.now();
      if (attempt.ok) {
        this.#checkName(hostname, attempt.status.hostname);
        await this.#deps.engine.apply({
          type: "host-answered",
          at,
          host: hostname,
          capacity: capacityOf(attempt.status),
        });
      } else {
        this.#deps.log.debug({ host: hostname, reason: attempt.reason }, "status check failed");
        await this.#deps.engine.apply({ type: "host-failed", at, host: hostname });
      }
    } finally {
      this.#polling.delete(hostname);
    }
    this.#deps.engine.schedulePass();
  }

  /** Runner names carry the executor's own hostname: a different one breaks later-event routing. */
  #checkName(configured: string, reported: string): void {
    if (reported.toLowerCase() === configured.toLowerCase() || this.#warnedNames.has(configured)) return;
    this.#warnedNames.add(configured);
    this.#deps.log.warn(
      { host: configured, reported },
      "executor reports another hostname than the router config gives it; runner names will not match",
    );
  }

  #pruneIfDue(): void {
    const now = this.#deps.clock.now();
    if (now - this.#lastPrune < PRUNE_EVERY_MS) return;
    this.#lastPrune = now;
    const { jobs, policy } = this.#deps.engine.state;
    if ([...jobs.values()].some((job) => isPrunable(job, now, policy)))
      this.#deps.engine.track(this.#deps.engine.apply({ type: "jobs-pruned", at: now }));
  }
}
