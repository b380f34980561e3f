/**
 * The App's webhook deliveries: every event fanned out to the hook URL(s) with one GUID, sent in
 * order per URL, recorded with GitHub's delivery fields, redeliverable with the same GUID. Knobs
 * (per event or as rules) drop, duplicate or delay a delivery; holdNext() collects the next N
 * deliveries and releases them shuffled.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../../clock.js";
import { sleepUnlessAborted, type Changes } from "./changes.js";
import { DeliveryRules, type DeliveryKnobs, type DeliveryMeta } from "./delivery-rules.js";
import type { TaskGroup } from "./task-group.js";
import { postWebhook, webhookHeaders } from "./webhook-sender.js";

export interface DeliveryRecord extends DeliveryMeta {
  readonly id: number;
  readonly guid: string;
  readonly hookId: number;
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly redelivery: boolean;
  /** The extra copy made by the `duplicate` knob. */
  readonly duplicate: boolean;
  readonly createdAtMs: number;
  state: "pending" | "held" | "sent" | "dropped";
  /** HTTP status of the receiver's answer; null when none arrived (or dropped). */
  statusCode: number | null;
  /** GitHub's wording: `OK`, `Invalid HTTP Response: 500`, `timed out`… */
  status: string;
  responseBody: string;
  responseHeaders: Readonly<Record<string, string>>;
  deliveredAtMs: number | null;
  durationMs: number | null;
}

export interface Hook {
  readonly id: number;
  readonly url: string;
}

export interface DeliveriesDeps {
  readonly hooks: readonly Hook[];
  readonly secret: string;
  readonly appId: number;
  readonly clock: Clock;
  readonly tasks: TaskGroup;
  readonly changes: Changes;
  readonly random: () => number;
}

export class Deliveries {
  readonly #deps: DeliveriesDeps;
  readonly #records: DeliveryRecord[] = [];
  readonly #tails = new Map<number, Promise<void>>();
  readonly rules = new DeliveryRules();
  #held: DeliveryRecord[] = [];
  #holdCount = 0;
  #nextId = 10_000_000_001;

  constructor(deps: DeliveriesDeps) {
    this.#deps = deps;
  }

  get hooks(): readonly Hook[] {
    return this.#deps.hooks;
  }

  list(): readonly DeliveryRecord[] {
    return this.#records;
  }

  get(id: number): DeliveryRecord | undefined {
    return this.#records.find((r) => r.id === id);
  }

  /** Holds the next `count` deliveries and then releases them in shuffled order. */
  holdNext(count: number): void {
    this.#holdCount = count;
    if (count <= this.#held.length) this.releaseHeld();
  }

  /** Releases whatever is held now, shuffled with the injected random. */
  releaseHeld(): void {
    const batch = this.#held;
    this.#held = [];
    this.#holdCount = 0;
    for (let i = batch.length - 1; i > 0; i--) {
      const j = Math.floor(this.#deps.random() * (i + 1));
      [batch[i], batch[j]] = [batch[j] as DeliveryRecord, batch[i] as DeliveryRecord];
    }
    for (const record of batch) this.#queue(record, 0);
  }

  /**
   * Sends `body` (the exact bytes, or per hook) to every hook under one GUID; `headers` override
   * GitHub's (tests forge signatures with it).
   */
  emit(
    meta: DeliveryMeta,
    bodyOf: string | ((hook: Hook) => string),
    knobs?: DeliveryKnobs,
    headers: Record<string, string> = {},
  ): DeliveryRecord[] {
    const applied = this.rules.knobsFor(meta, knobs);
    const guid = randomUUID();
    const out: DeliveryRecord[] = [];
    for (const hook of this.#deps.hooks) {
      const body = typeof bodyOf === "string" ? bodyOf : bodyOf(hook);
      const { secret, appId } = this.#deps;
      const base = webhookHeaders({ secret, appId, event: meta.event, guid, hookId: hook.id, body });
      const record = this.#record(meta, hook, guid, body, { ...base, ...headers }, false, false);
      out.push(record);
      if (applied.drop === true) this.#drop(record);
      else this.#schedule(record, applied.delayMs ?? 0);
      if (applied.duplicate !== undefined) {
        const copyGuid = applied.duplicate === "same-guid" ? guid : randomUUID();
        const copyHeaders = { ...record.headers, "x-github-delivery": copyGuid };
        const copy = this.#record(meta, hook, copyGuid, body, copyHeaders, false, true);
        out.push(copy);
        this.#schedule(copy, applied.delayMs ?? 0);
      }
    }
    this.#deps.changes.notify();
    return out;
  }

  /** `POST /app/hook/deliveries/{id}/attempts`: the same bytes and GUID, sent now. */
  redeliver(id: number): DeliveryRecord | undefined {
    const original = this.get(id);
    if (original === undefined) return undefined;
    const hook = { id: original.hookId, url: original.url };
    const record = this.#record(original, hook, original.guid, original.body, original.headers, true, false);
    this.#queue(record, 0);
    return record;
  }

  #record(
    meta: DeliveryMeta,
    hook: Hook,
    guid: string,
    body: string,
    headers: Readonly<Record<string, string>>,
    redelivery: boolean,
    duplicate: boolean,
  ): DeliveryRecord {
    const record: DeliveryRecord = {
      event: meta.event,
      action: meta.action,
      jobId: meta.jobId,
      installationId: meta.installationId,
      repositoryId: meta.repositoryId,
      id: this.#nextId++,
      guid,
      hookId: hook.id,
      url: hook.url,
      body,
      headers,
      redelivery,
      duplicate,
      createdAtMs: this.#deps.clock.now(),
      state: "pending",
      statusCode: null,
      status: "pending",
      responseBody: "",
      responseHeaders: {},
      deliveredAtMs: null,
      durationMs: null,
    };
    this.#records.push(record);
    return record;
  }

  #drop(record: DeliveryRecord): void {
    record.state = "dropped";
    record.status = "failed to connect to host";
    record.deliveredAtMs = this.#deps.clock.now();
    record.durationMs = 0;
  }

  #schedule(record: DeliveryRecord, delayMs: number): void {
    if (this.#holdCount > 0) {
      record.state = "held";
      this.#held.push(record);
      if (this.#held.length >= this.#holdCount) this.releaseHeld();
      return;
    }
    this.#queue(record, delayMs);
  }

  /** After `delayMs`, appends the delivery to its hook's FIFO (deliveries to one URL go in order). */
  #queue(record: DeliveryRecord, delayMs: number): void {
    record.state = "pending";
    this.#deps.tasks.spawn(async () => {
      if (delayMs > 0 && !(await sleepUnlessAborted(this.#deps.clock, delayMs, this.#deps.tasks.signal)))
        return;
      const previous = this.#tails.get(record.hookId) ?? Promise.resolve();
      const send = (): Promise<void> => this.#send(record);
      const sent = previous.then(send, send);
      this.#tails.set(record.hookId, sent);
      await sent;
    });
  }

  async #send(record: DeliveryRecord): Promise<void> {
    if (this.#deps.tasks.signal.aborted) return;
    const startedAt = this.#deps.clock.now();
    const result = await postWebhook(record.url, record.headers, record.body, {
      clock: this.#deps.clock,
      signal: this.#deps.tasks.signal,
    });
    record.state = "sent";
    record.statusCode = result.statusCode;
    record.status =
      result.statusCode === null
        ? (result.error ?? "failed")
        : result.statusCode >= 200 && result.statusCode < 300
          ? "OK"
          : `Invalid HTTP Response: ${result.statusCode}`;
    record.responseBody = result.responseBody;
    record.responseHeaders = result.responseHeaders;
    record.deliveredAtMs = startedAt;
    record.durationMs = result.durationMs;
    this.#deps.changes.notify();
  }
}
