/**
 * Every registered self-hosted runner, per scope, with its listener session (open session =
 * `online`) and the job it was handed or is running (running = `busy`). Deleted runners leave a
 * tombstone so a runner stand-in can still close its session after the service removed it.
 */
import { randomUUID } from "node:crypto";
import type { Changes } from "./changes.js";
import { runnerCredentialValue } from "./ids.js";
import { scopeKey, type RunnerGroup, type RunnerScope } from "./runner-scope.js";

export interface RunnerLabel {
  readonly id: number;
  readonly name: string;
  readonly type: "read-only" | "custom";
}

export interface Session {
  readonly id: string;
  readonly openedAtMs: number;
  /** Last time the listener polled (or opened the session). */
  lastSeenMs: number;
  /** Long-polls currently waiting. */
  polling: number;
}

export interface Runner {
  readonly id: number;
  readonly name: string;
  readonly scope: RunnerScope;
  readonly scopeKey: string;
  os: string;
  readonly labels: readonly RunnerLabel[];
  readonly ephemeral: boolean;
  /** Created by generate-jitconfig (single use). */
  readonly jit: boolean;
  readonly group: RunnerGroup;
  readonly credential: string;
  readonly clientId: string;
  readonly workFolder: string;
  readonly disableUpdate: boolean;
  readonly createdAtMs: number;
  session: Session | undefined;
  /** Handed to the runner's long-poll, not yet acquired. */
  assignedJobId: number | undefined;
  /** Acquired and running: the runner is busy. */
  runningJobId: number | undefined;
  /** Since when the runner has had nothing to do (for idle expiry). */
  idleSinceMs: number;
}

export interface NewRunner {
  readonly name: string;
  readonly scope: RunnerScope;
  readonly labels: ReadonlyArray<{ readonly name: string; readonly type: "read-only" | "custom" }>;
  readonly ephemeral: boolean;
  readonly jit: boolean;
  readonly group: RunnerGroup;
  readonly os: string;
  readonly workFolder: string;
  readonly disableUpdate: boolean;
}

/** Labels GitHub itself assigns (OS, architecture, `self-hosted`); these are `read-only`. */
const SYSTEM_LABELS = new Set(["self-hosted", "linux", "windows", "macos", "x64", "arm", "arm64"]);
export const labelType = (name: string): "read-only" | "custom" =>
  SYSTEM_LABELS.has(name.toLowerCase()) ? "read-only" : "custom";

export class RunnerRegistry {
  readonly #runners = new Map<number, Runner>();
  readonly #tombstones = new Map<number, string>();
  readonly #labelIds = new Map<string, number>();
  readonly #changes: Changes;
  #nextId = 100;
  #nextLabelId = 1;

  constructor(changes: Changes) {
    this.#changes = changes;
  }

  #labelId(key: string, name: string): number {
    const labelKey = `${key}\u0000${name.toLowerCase()}`;
    let id = this.#labelIds.get(labelKey);
    if (id === undefined) {
      id = this.#nextLabelId++;
      this.#labelIds.set(labelKey, id);
    }
    return id;
  }

  create(spec: NewRunner, nowMs: number): Runner {
    const key = scopeKey(spec.scope);
    const seen = new Set<string>();
    const labels: RunnerLabel[] = [];
    for (const label of spec.labels) {
      if (seen.has(label.name.toLowerCase())) continue;
      seen.add(label.name.toLowerCase());
      labels.push({ id: this.#labelId(key, label.name), name: label.name, type: label.type });
    }
    const runner: Runner = {
      ...spec,
      id: this.#nextId++,
      scopeKey: key,
      labels,
      credential: runnerCredentialValue(),
      clientId: randomUUID(),
      createdAtMs: nowMs,
      session: undefined,
      assignedJobId: undefined,
      runningJobId: undefined,
      idleSinceMs: nowMs,
    };
    this.#runners.set(runner.id, runner);
    this.#changes.notify();
    return runner;
  }

  get(id: number): Runner | undefined {
    return this.#runners.get(id);
  }

  /** Names are unique per scope, compared case-insensitively. */
  byName(key: string, name: string): Runner | undefined {
    return this.list(key).find((r) => r.name.toLowerCase() === name.toLowerCase());
  }

  /** Runners of one scope (or all), oldest first. */
  list(key?: string): Runner[] {
    return [...this.#runners.values()].filter((r) => key === undefined || r.scopeKey === key);
  }

  remove(id: number): Runner | undefined {
    const runner = this.#runners.get(id);
    if (runner === undefined) return undefined;
    this.#runners.delete(id);
    this.#tombstones.set(id, runner.credential);
    runner.session = undefined;
    this.#changes.notify();
    return runner;
  }

  /** Whether `credential` belonged to runner `id` before it was deleted. */
  wasDeleted(id: number, credential: string): boolean {
    return this.#tombstones.get(id) === credential;
  }
}

export function runnerJson(runner: Runner): Record<string, unknown> {
  return {
    id: runner.id,
    name: runner.name,
    os: runner.os,
    status: runner.session === undefined ? "offline" : "online",
    busy: runner.runningJobId !== undefined,
    ephemeral: runner.ephemeral,
    runner_group_id: runner.group.id,
    labels: runner.labels.map((l) => ({ id: l.id, name: l.name, type: l.type })),
  };
}
