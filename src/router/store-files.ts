/**
 * The router store's files in its state directory:
 *   router.snapshot.json         { version, generation, nextSeq, jobs, hosts }
 *   router.journal.<gen>.jsonl   RouterEvents appended after the snapshot of that generation
 * A snapshot names the one journal that continues it, so a crash in the middle of a compaction
 * never replays events the snapshot already holds.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { open, rename } from "node:fs/promises";
import path from "node:path";
import { indexJobs } from "./job-index.js";
import { PersistentMap } from "./persistent-map.js";
import type { HostState, RouterJob, RouterPolicy, RouterState } from "./router-model.js";

interface Snapshot {
  readonly version: 1;
  readonly generation: number;
  readonly nextSeq: number;
  readonly jobs: readonly RouterJob[];
  readonly hosts: readonly HostState[];
}

export const SNAPSHOT_FILE = "router.snapshot.json";

export function journalFile(dir: string, generation: number): string {
  return path.join(dir, `router.journal.${generation}.jsonl`);
}

export function readSnapshot(
  dir: string,
  policy: RouterPolicy,
): { generation: number; state: RouterState } | null {
  const file = path.join(dir, SNAPSHOT_FILE);
  if (!existsSync(file)) return null;
  const snapshot = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  if (snapshot.version !== 1)
    throw new Error(`${file}: unknown snapshot version ${String(snapshot.version)}`);
  const jobs = PersistentMap.from(snapshot.jobs.map((job) => [job.key, job] as const));
  return {
    generation: snapshot.generation,
    state: {
      policy,
      nextSeq: snapshot.nextSeq,
      jobs,
      ...indexJobs(jobs),
      hosts: new Map(snapshot.hosts.map((host) => [host.hostname, host])),
    },
  };
}

/** The journal's complete lines; a torn last line (a crash mid-write) is left out. */
export function readJournal(dir: string, generation: number): unknown[] {
  const file = journalFile(dir, generation);
  if (!existsSync(file)) return [];
  const events: unknown[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      events.push(JSON.parse(line));
    } catch {
      // Only the last line can be torn; everything before it was fsync'd and is kept.
    }
  }
  return events;
}

/** The snapshot text of `state` (synchronous, so it matches the state at this instant exactly). */
export function snapshotText(state: RouterState, generation: number): string {
  const snapshot: Snapshot = {
    version: 1,
    generation,
    nextSeq: state.nextSeq,
    // Arrival order, so a snapshot reads like the queue it holds.
    jobs: [...state.jobs.values()].sort((a, b) => a.seq - b.seq),
    hosts: [...state.hosts.values()],
  };
  return JSON.stringify(snapshot);
}

/** Write-then-rename, with the file and the directory fsync'd. */
export function writeSnapshotSync(dir: string, text: string): void {
  const file = path.join(dir, SNAPSHOT_FILE);
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  fsyncDirectory(dir);
}

/** The same, off the event loop (used while the router is serving). */
export async function writeSnapshot(dir: string, text: string): Promise<void> {
  const file = path.join(dir, SNAPSHOT_FILE);
  const tmp = `${file}.tmp`;
  const handle = await open(tmp, "w");
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  const directory = await open(dir, "r");
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

export function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Removes journals of other generations (left by a crash during compaction). */
export function removeOtherJournals(dir: string, keep: number): void {
  for (const name of readdirSync(dir)) {
    const match = /^router\.journal\.(\d+)\.jsonl$/.exec(name);
    if (match !== null && Number(match[1]) !== keep) unlinkSync(path.join(dir, name));
  }
}
