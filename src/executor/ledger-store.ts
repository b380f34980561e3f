/**
 * Durable ledger: an append-only journal of LedgerEvents (one JSON line each) plus a snapshot.
 * `append` applies the event at once and resolves only after the batch it belongs to is written
 * and fsync'd (group commit, off the event loop), so a webhook acknowledged after `append`
 * survives SIGKILL. On open, snapshot + journal are replayed and
 * compacted into a new snapshot (write-then-rename).
 */
import {
  closeSync,
  existsSync,
  fsync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  write,
  writeFileSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { applyEvent, emptyLedger } from "./ledger.js";
import type { JobRecord, Ledger, LedgerEvent, VmRecord } from "./model.js";

interface Snapshot {
  readonly version: 1;
  readonly nextSeq: number;
  readonly jobs: readonly JobRecord[];
  readonly vms: readonly VmRecord[];
}

export class LedgerStore {
  readonly #dir: string;
  #fd: number;
  #ledger: Ledger;
  #journalEvents = 0;
  #batch: string[] = [];
  #waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  #flushScheduled = false;
  #flushing = false;
  #idleWaiters: Array<() => void> = [];
  readonly #compactEvery: number;

  private constructor(dir: string, ledger: Ledger, compactEvery: number) {
    this.#dir = dir;
    this.#ledger = ledger;
    this.#compactEvery = compactEvery;
    this.#fd = openSync(this.#journalPath, "a");
  }

  /** Opens (creating if needed) the store in `dir`, replays it, and compacts it. */
  static open(dir: string, options: { compactEvery?: number } = {}): LedgerStore {
    mkdirSync(dir, { recursive: true });
    let ledger = readSnapshot(path.join(dir, "ledger.snapshot.json"));
    const journal = path.join(dir, "ledger.journal.jsonl");
    if (existsSync(journal)) {
      for (const line of readFileSync(journal, "utf8").split("\n")) {
        if (line.trim() === "") continue;
        try {
          ledger = applyEvent(ledger, JSON.parse(line) as LedgerEvent);
        } catch {
          // a torn last line from a crash mid-write: everything before it was fsync'd and is kept
        }
      }
    }
    writeSnapshot(dir, ledger);
    writeFileSync(journal, "");
    return new LedgerStore(dir, ledger, options.compactEvery ?? 5000);
  }

  get ledger(): Ledger {
    return this.#ledger;
  }

  /** Applies the event now and resolves once it is durable. */
  append(event: LedgerEvent): Promise<void> {
    this.#ledger = applyEvent(this.#ledger, event);
    this.#batch.push(`${JSON.stringify(event)}\n`);
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    this.#kick();
    return done;
  }

  /** Resolves once everything appended so far is on disk. */
  async flush(): Promise<void> {
    while (this.#flushing || this.#batch.length > 0) {
      if (!this.#flushing) this.#startFlush();
      await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    }
  }

  /** Writes what is pending and closes the journal. */
  async close(): Promise<void> {
    await this.flush();
    closeSync(this.#fd);
  }

  get #journalPath(): string {
    return path.join(this.#dir, "ledger.journal.jsonl");
  }

  #kick(): void {
    if (this.#flushScheduled || this.#flushing) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#startFlush();
    });
  }

  /**
   * Group commit without blocking the event loop: one write + fsync at a time, in the
   * background; everything appended meanwhile goes into the next batch.
   */
  #startFlush(): void {
    if (this.#flushing || this.#batch.length === 0) return;
    this.#flushing = true;
    const lines = this.#batch;
    const waiters = this.#waiters;
    this.#batch = [];
    this.#waiters = [];
    const finish = (error: NodeJS.ErrnoException | null): void => {
      if (error === null) {
        this.#journalEvents += lines.length;
        if (this.#journalEvents >= this.#compactEvery) this.#compact();
        for (const waiter of waiters) waiter.resolve();
      } else {
        for (const waiter of waiters) waiter.reject(error);
      }
      this.#flushing = false;
      if (this.#batch.length > 0) this.#kick();
      else for (const resolve of this.#idleWaiters.splice(0)) resolve();
    };
    write(this.#fd, lines.join(""), (writeError) => {
      if (writeError !== null) finish(writeError);
      else fsync(this.#fd, finish);
    });
  }

  #compact(): void {
    writeSnapshot(this.#dir, this.#ledger);
    closeSync(this.#fd);
    writeFileSync(this.#journalPath, "");
    this.#fd = openSync(this.#journalPath, "a");
    this.#journalEvents = 0;
  }
}

function readSnapshot(file: string): Ledger {
  if (!existsSync(file)) return emptyLedger();
  const snapshot = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  return {
    nextSeq: snapshot.nextSeq,
    // Snapshots written before `lastFailure` existed lack it.
    jobs: new Map(
      snapshot.jobs.map((job) => [
        job.key,
        { ...job, lastFailure: job.lastFailure ?? null, lastFailureAt: job.lastFailureAt ?? null },
      ]),
    ),
    vms: new Map(snapshot.vms.map((vm) => [vm.name, vm])),
  };
}

function writeSnapshot(dir: string, ledger: Ledger): void {
  const snapshot: Snapshot = {
    version: 1,
    nextSeq: ledger.nextSeq,
    jobs: [...ledger.jobs.values()],
    vms: [...ledger.vms.values()],
  };
  const file = path.join(dir, "ledger.snapshot.json");
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, JSON.stringify(snapshot));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dirFd = openSync(dir, "r");
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
