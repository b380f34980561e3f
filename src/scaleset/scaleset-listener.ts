/**
 * The scale-set listener: bootstrap (runner group, this host's scale set), a message session,
 * then long polls advertising the free slots; JobAvailable → acquire what fits; JobAssigned,
 * JobStarted, JobCompleted → `job-observed` in the ledger; each message acknowledged only after
 * its events are durable. A taken session, 401s, 5xx, 429 and dropped polls are retried with
 * backoff; nothing here throws out of run() except on shutdown.
 */
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import type { Ledger, ObservedJob } from "../executor/model.js";
import { matchJob, type MatchRules } from "../github/label-matcher.js";
import type { ActionsConnection } from "./actions-connection.js";
import { backoffMs, type BackoffPolicy } from "./backoff.js";
import { observedJobOf, scaleSetDeliveryId } from "./job-message-to-observed-job.js";
import { MessageSession, SessionConflictError } from "./message-session.js";
import { ensureScaleSet, type DesiredScaleSet, type ScaleSetRecord } from "./scale-set-api.js";
import type { ParsedMessage } from "./scaleset-message.js";
import { ScaleSetHttpError } from "./scaleset-http-error.js";

export type SessionState = "starting" | "connected" | "conflict" | "retrying" | "closed";

export interface ScaleSetListenerDeps {
  readonly connection: ActionsConnection;
  readonly desired: DesiredScaleSet;
  /** Session owner name (the hostname). */
  readonly owner: string;
  readonly rules: MatchRules;
  /** Records a job durably; resolves once it is safe to acknowledge (Executor.recordJob). */
  readonly record: (deliveryId: string, job: ObservedJob) => Promise<"recorded" | "duplicate">;
  /** VM slots not taken by a VM or a job already in the ledger. */
  readonly freeSlots: () => number;
  readonly clock: Clock;
  readonly random: () => number;
  readonly log: Logger;
  readonly backoff?: BackoffPolicy;
  /** Client-side bound on one long poll (a dropped connection that never answers). Default 90 s. */
  readonly pollTimeoutMs?: number;
  /** How long an acquired job counts against the capacity before its JobAssigned arrives. Default 60 s. */
  readonly acquiredHoldMs?: number;
  /**
   * The ledger, and how to give up a job: a scale-set job still `queued` after `staleQueuedMs`
   * (default 10 min) was most likely reassigned to another scale set after its runner did not
   * come; giving it up frees its slot (the service serves it elsewhere; if it is still ours, a
   * runner of our set still takes it).
   */
  readonly ledger?: () => Ledger;
  readonly giveUp?: (jobKey: string, reason: string) => void;
  readonly staleQueuedMs?: number;
  readonly onMessage?: (type: string) => void;
  readonly onAcquire?: (latencyMs: number, acquired: number) => void;
  readonly onSessionState?: (state: SessionState) => void;
}

export interface ScaleSetListenerStatus {
  readonly scaleSet: { readonly id: number; readonly name: string } | null;
  readonly session: SessionState;
  readonly lastMessageAt: number | null;
  readonly lastError: string | null;
}

const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 60_000 };

export class ScaleSetListener {
  readonly #deps: ScaleSetListenerDeps;
  #scaleSet: ScaleSetRecord | null = null;
  #state: SessionState = "starting";
  #lastMessageAt: number | null = null;
  #lastError: string | null = null;
  /** Request ids acquired and not yet assigned (JobAssigned), with when. */
  readonly #acquired = new Map<number, number>();

  constructor(deps: ScaleSetListenerDeps) {
    this.#deps = deps;
  }

  status(): ScaleSetListenerStatus {
    return {
      scaleSet: this.#scaleSet === null ? null : { id: this.#scaleSet.id, name: this.#scaleSet.name },
      session: this.#state,
      lastMessageAt: this.#lastMessageAt,
      lastError: this.#lastError,
    };
  }

  get scaleSet(): ScaleSetRecord | null {
    return this.#scaleSet;
  }

  #setState(state: SessionState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#deps.onSessionState?.(state);
  }

  /** Capacity to advertise: free slots minus jobs acquired and not yet assigned. */
  capacity(): number {
    const now = this.#deps.clock.now();
    const hold = this.#deps.acquiredHoldMs ?? 60_000;
    for (const [id, at] of this.#acquired) if (now - at > hold) this.#acquired.delete(id);
    return Math.max(0, this.#deps.freeSlots() - this.#acquired.size);
  }

  async #retry(attempt: number, error: unknown, signal: AbortSignal, what: string): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    this.#lastError = message;
    const floor = error instanceof ScaleSetHttpError ? error.retryAfterMs : null;
    const wait = backoffMs(attempt, this.#deps.backoff ?? DEFAULT_BACKOFF, this.#deps.random, floor);
    if (error instanceof SessionConflictError) {
      this.#setState("conflict");
      this.#deps.log.error({ retryInMs: wait }, message);
    } else {
      this.#setState("retrying");
      this.#deps.log.warn({ err: message, retryInMs: wait }, `scale set: ${what} failed; retrying`);
    }
    await this.#deps.clock.sleep(wait, signal).catch(() => undefined);
  }

  /** Runs until `signal` aborts; then closes the session. */
  async run(signal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      let session: MessageSession | undefined;
      try {
        const { scaleSet, action } = await ensureScaleSet(this.#deps.connection, this.#deps.desired, signal);
        this.#scaleSet = scaleSet;
        if (action !== "found")
          this.#deps.log.info(
            { scaleSet: scaleSet.name, id: scaleSet.id, labels: this.#deps.desired.labels },
            `scale set ${action}`,
          );
        session = await MessageSession.open(this.#deps.connection, scaleSet, this.#deps.owner, signal);
        this.#setState("connected");
        this.#lastError = null;
        this.#deps.log.info(
          { scaleSet: scaleSet.name, session: session.sessionId },
          "scale-set session open",
        );
        attempt = 0;
        await this.#poll(session, signal);
      } catch (error) {
        if (signal.aborted) break;
        await this.#retry(attempt++, error, signal, "session");
      } finally {
        if (session !== undefined && signal.aborted) await this.#close(session);
      }
    }
    this.#setState("closed");
  }

  async #close(session: MessageSession): Promise<void> {
    try {
      await session.close(AbortSignal.timeout(10_000));
      this.#deps.log.info("scale-set session closed");
    } catch (error) {
      this.#deps.log.warn(
        { err: error instanceof Error ? error.message : String(error) },
        "could not close the scale-set session",
      );
    }
  }

  /** Polls until the signal aborts or the session is lost (then throws to reopen it). */
  async #poll(session: MessageSession, outer: AbortSignal): Promise<void> {
    let lastMessageId = 0;
    let failures = 0;
    while (!outer.aborted) {
      let message: ParsedMessage | null;
      try {
        const signal = AbortSignal.any([outer, AbortSignal.timeout(this.#deps.pollTimeoutMs ?? 90_000)]);
        message = await session.getMessage(lastMessageId, this.capacity(), signal);
      } catch (error) {
        if (outer.aborted) return;
        // A 401 even after the refresh, or a 404: the session is gone, open a new one.
        if (error instanceof ScaleSetHttpError && (error.status === 401 || error.status === 404)) throw error;
        if (error instanceof ScaleSetHttpError && !error.transient) throw error;
        await this.#retry(failures++, error, outer, "message poll");
        continue;
      }
      if (this.#state !== "connected") this.#setState("connected");
      failures = 0;
      this.#giveUpStale();
      if (message === null) continue;
      this.#lastMessageAt = this.#deps.clock.now();
      const handled = await this.#handle(session, message, outer);
      if (handled) lastMessageId = message.messageId ?? lastMessageId;
    }
  }

  #giveUpStale(): void {
    const { ledger, giveUp } = this.#deps;
    if (ledger === undefined || giveUp === undefined) return;
    const limit = this.#deps.staleQueuedMs ?? 600_000;
    const now = this.#deps.clock.now();
    for (const job of ledger().jobs.values()) {
      if (job.status !== "queued" || job.givenUp !== null || now - job.updatedAt <= limit) continue;
      if (!job.deliveries.some((d) => d.startsWith("scaleset:"))) continue;
      const reason = `no runner took it within ${Math.round(limit / 1000)} s of its assignment; the Actions service reassigns such jobs`;
      this.#deps.log.warn({ job: job.key }, `scale-set job given up here: ${reason}`);
      giveUp(job.key, reason);
    }
  }

  /** Applies a message and acknowledges it; false when it must be seen again (not acknowledged). */
  async #handle(session: MessageSession, message: ParsedMessage, signal: AbortSignal): Promise<boolean> {
    if (message.kind === "unreadable") {
      this.#deps.onMessage?.("unreadable");
      this.#deps.log.error(
        { messageId: message.messageId, reason: message.reason },
        "scale-set message dropped",
      );
      if (message.messageId === null) {
        await this.#retry(0, new Error(message.reason), signal, "reading a message");
        return false;
      }
      return this.#ack(session, message.messageId, signal);
    }
    for (const reason of message.skipped) {
      this.#deps.onMessage?.("unknown");
      this.#deps.log.warn({ messageId: message.messageId, reason }, "scale-set job message skipped");
    }
    const available: number[] = [];
    try {
      for (const job of message.jobs) {
        this.#deps.onMessage?.(job.messageType);
        const match = matchJob(job.requestLabels, this.#deps.rules);
        if (match.kind !== "match") {
          this.#deps.log.warn(
            { runnerRequestId: job.runnerRequestId, labels: job.requestLabels, reason: match.reason },
            `scale-set ${job.messageType} for a job this host cannot serve`,
          );
          continue;
        }
        if (job.messageType === "JobAvailable") {
          available.push(job.runnerRequestId);
          continue;
        }
        if (job.messageType === "JobAssigned") this.#acquired.delete(job.runnerRequestId);
        const observed = observedJobOf(job, match.spec);
        if (observed !== null) await this.#deps.record(scaleSetDeliveryId(job, message.messageId), observed);
      }
      await this.#acquire(session, available, signal);
    } catch (error) {
      if (signal.aborted) return false;
      this.#deps.log.error(
        { err: error instanceof Error ? error.message : String(error), messageId: message.messageId },
        "scale-set message not applied; it will be read again",
      );
      await this.#retry(0, error, signal, "message handling");
      return false;
    }
    return this.#ack(session, message.messageId, signal);
  }

  async #acquire(session: MessageSession, offered: readonly number[], signal: AbortSignal): Promise<void> {
    const fresh = offered.filter((id) => !this.#acquired.has(id));
    const room = this.capacity();
    const wanted = fresh.slice(0, room);
    if (wanted.length === 0) return;
    const started = this.#deps.clock.now();
    const got = await session.acquireJobs(wanted, signal);
    const now = this.#deps.clock.now();
    this.#deps.onAcquire?.(now - started, got.length);
    for (const id of got) this.#acquired.set(id, now);
    this.#deps.log.info(
      { offered: offered.length, asked: wanted.length, acquired: got.length },
      "scale-set jobs acquired",
    );
  }

  async #ack(session: MessageSession, messageId: number, signal: AbortSignal): Promise<boolean> {
    try {
      await session.deleteMessage(messageId, signal);
      return true;
    } catch (error) {
      if (signal.aborted) return false;
      this.#deps.log.warn(
        { err: error instanceof Error ? error.message : String(error), messageId },
        "could not acknowledge a scale-set message; it will be read again",
      );
      return false;
    }
  }
}
