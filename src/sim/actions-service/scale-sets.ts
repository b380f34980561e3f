/**
 * The runner scale sets the fake knows (actions/scaleset types.go `RunnerScaleSet`): names unique
 * per runner group, each with its message queue, at most one message session, and the capacity its
 * listener last advertised with `X-ScaleSetMaxCapacity`.
 */
import { randomUUID } from "node:crypto";
import { MessageQueue } from "./message-queue.js";

export interface Label {
  readonly type: string;
  readonly name: string;
}

export interface RunnerGroup {
  readonly id: number;
  readonly name: string;
  readonly isDefault: boolean;
}

export interface Session {
  readonly sessionId: string;
  readonly ownerName: string;
  token: string;
  /** Last time its listener polled, acknowledged or acquired (or opened it). */
  lastSeenMs: number;
}

export interface ScaleSet {
  readonly id: number;
  name: string;
  runnerGroupId: number;
  runnerGroupName: string;
  labels: Label[];
  disableUpdate: boolean;
  readonly createdOnMs: number;
  readonly queue: MessageQueue;
  session: Session | undefined;
  /** Last X-ScaleSetMaxCapacity; 0 until the first poll and after the session closes. */
  capacity: number;
}

export class ScaleSets {
  readonly #sets = new Map<number, ScaleSet>();
  #nextId = 1;

  list(): ScaleSet[] {
    return [...this.#sets.values()];
  }

  get(id: number): ScaleSet | undefined {
    return this.#sets.get(id);
  }

  byName(groupId: number, name: string): ScaleSet[] {
    return this.list().filter(
      (s) => s.runnerGroupId === groupId && s.name.toLowerCase() === name.toLowerCase(),
    );
  }

  create(fields: Omit<ScaleSet, "id" | "queue" | "session" | "capacity">): ScaleSet {
    const set: ScaleSet = {
      ...fields,
      id: this.#nextId++,
      queue: new MessageQueue(),
      session: undefined,
      capacity: 0,
    };
    this.#sets.set(set.id, set);
    return set;
  }

  delete(id: number): boolean {
    return this.#sets.delete(id);
  }

  /** Opens a session; undefined when another listener holds one. */
  openSession(set: ScaleSet, ownerName: string, nowMs: number): Session | undefined {
    if (set.session !== undefined) return undefined;
    set.session = { sessionId: randomUUID(), ownerName, token: randomUUID(), lastSeenMs: nowMs };
    return set.session;
  }

  bySessionToken(token: string): ScaleSet | undefined {
    return this.list().find((s) => s.session !== undefined && s.session.token === token);
  }
}
