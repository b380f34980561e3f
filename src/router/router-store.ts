/**
 * The router's durable state: every RouterEvent is applied at once and appended to a JSONL
 * journal; `append` resolves when the batch holding it is written and fdatasync'd (group commit:
 * events appended while one batch is being written go out together in the next). Writes run off
 * the event loop, so forwards keep flowing while the disk catches up. On open, snapshot + journal
 * are replayed and compacted into a new snapshot; the journal is compacted again once it grows
 * large (write-then-rename, fsync'd).
 */
import { closeSync, fdatasync, mkdirSync, openSync, writeSync } from "node:fs";
import { promisify } from "node:util";
import { applyRouterEvent, emptyRouterState, restartedState } from "./router-ledger.js";
import type { RouterEvent, RouterPolicy, RouterState } from "./router-model.js";
import {
  fsyncDirectory,
  journalFile,
  readJournal,
  readSnapshot,
  removeOtherJournals,
  snapshotText,
  writeSnapshot,
  writeSnapshotSync,
} from "./store-files.js";

const fdatasyncAsync = promisify(fdatasync);

export interface RouterStoreOptions {
  /** Compact once the journal holds this many bytes (default 64 MiB). */
  readonly compactBytes?: number;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class RouterStore {
  readonly #dir: string;
  readonly #compactBytes: number;
  #state: RouterState;
  #generation: number;
  #fd: number;
  #journalBytes = 0;
  #batch: string[] = [];
  #waiters: Waiter[] = [];
  #flushing: Promise<void> | null = null;

  private constructor(dir: string, state: RouterState, generation: number, compactBytes: number) {
    this.#dir = dir;
    this.#state = state;
    this.#generation = generation;
    this.#compactBytes = compactBytes;
    this.#fd = openSync(journalFile(dir, generation), "a");
  }

  /** Opens (creating if needed) the store in `dir`, replays it, and compacts it. */
  static open(dir: string, policy: RouterPolicy, now: number, options: RouterStoreOptions = {}): RouterStore {
    mkdirSync(dir, { recursive: true });
    const loaded = readSnapshot(dir, policy);
    let state = loaded?.state ?? emptyRouterState(policy, now);
    const generation = loaded?.generation ?? 0;
    for (const event of readJournal(dir, generation)) state = applyRouterEvent(state, event as RouterEvent);
    state = restartedState(state, policy, now);
    const next = generation + 1;
    // The new journal exists (empty) before the snapshot naming it does.
    closeSync(openSync(journalFile(dir, next), "w"));
    writeSnapshotSync(dir, snapshotText(state, next));
    removeOtherJournals(dir, next);
    fsyncDirectory(dir);
    return new RouterStore(dir, state, next, options.compactBytes ?? 64 * 1024 * 1024);
  }

  get state(): RouterState {
    return this.#state;
  }

  /** Applies the event now; resolves once it is durable. */
  append(event: RouterEvent): Promise<void> {
    this.#state = applyRouterEvent(this.#state, event);
    this.#batch.push(`${JSON.stringify(event)}\n`);
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    this.#flushing ??= this.#flushLoop();
    return done;
  }

  /** Resolves when everything appended so far is durable. */
  flush(): Promise<void> {
    if (this.#batch.length === 0 && this.#flushing === null) return Promise.resolve();
    // Joins the next batch: whatever is being written now finishes first.
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    this.#flushing ??= this.#flushLoop();
    return done;
  }

  async close(): Promise<void> {
    await this.flush();
    while (this.#flushing !== null) await this.#flushing;
    closeSync(this.#fd);
  }

  async #flushLoop(): Promise<void> {
    // Let the rest of this tick append to the same batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.#batch.length > 0 || this.#waiters.length > 0) {
        const lines = this.#batch;
        const waiters = this.#waiters;
        this.#batch = [];
        this.#waiters = [];
        try {
          await this.#writeBatch(lines.join(""));
          for (const waiter of waiters) waiter.resolve();
        } catch (error) {
          for (const waiter of waiters) waiter.reject(error);
        }
      }
    } finally {
      this.#flushing = null;
    }
  }

  async #writeBatch(text: string): Promise<void> {
    if (text.length === 0) return;
    // The state already holds this batch: a snapshot of it replaces the journal. If the snapshot
    // cannot be written, the batch goes to the journal as usual (and compaction is tried again later).
    if (this.#journalBytes + text.length >= this.#compactBytes && (await this.#compact())) return;
    // The write itself only copies into the page cache: done here, it costs less than handing
    // it to the thread pool. The fdatasync is what waits for the disk, so that one goes there.
    const bytes = writeAll(this.#fd, text);
    await fdatasyncAsync(this.#fd);
    this.#journalBytes += bytes;
  }

  async #compact(): Promise<boolean> {
    const next = this.#generation + 1;
    // Serialised now, so it holds exactly the events written so far plus this batch.
    const text = snapshotText(this.#state, next);
    const fd = openSync(journalFile(this.#dir, next), "w");
    try {
      await writeSnapshot(this.#dir, text);
    } catch {
      closeSync(fd);
      return false;
    }
    closeSync(this.#fd);
    this.#fd = fd;
    this.#generation = next;
    this.#journalBytes = 0;
    removeOtherJournals(this.#dir, next);
    return true;
  }
}

/** Writes all of `text`; returns the number of bytes. */
function writeAll(fd: number, text: string): number {
  const bytes = Buffer.from(text, "utf8");
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
  return bytes.length;
}
