/**
 * The reliability suite's figures. Every scenario runs through `scenario()`, which counts what it
 * injected and what a user would notice (jobs lost, VMs and runner registrations left behind) and
 * records it even when the test fails. Each test file's afterAll calls `flushTotals()`, which adds
 * the file's records to a directory shared by the whole vitest run (keyed by the vitest main
 * process) and prints the totals so far; once every file of test/reliability has reported, the
 * line starts with "RELIABILITY TOTALS" and a per-scenario table follows. The same text is
 * written to `<run dir>/totals.txt`.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { it } from "vitest";
import { startRelWorld, type CleanEnd, type RelWorld, type RelWorldOptions } from "./rel-world.js";

const SUITE_DIR = fileURLToPath(new URL("../reliability/", import.meta.url));

export interface ScenarioRecord {
  readonly file: string;
  readonly scenario: string;
  readonly passed: boolean;
  readonly faults: number;
  readonly hostileInputs: number;
  readonly jobs: number;
  readonly jobsLost: number;
  readonly vmsLeaked: number;
  readonly runnersLeaked: number;
  readonly figures: Readonly<Record<string, number | string>>;
}

/** What a scenario counts as it goes. */
export class Tally {
  faults = 0;
  hostileInputs = 0;
  readonly #jobs = new Map<string, "pending" | "served" | "given up" | "accounted">();
  vmsLeaked = 0;
  runnersLeaked = 0;
  readonly figures: Record<string, number | string> = {};
  readonly #cleanups: Array<() => Promise<void>> = [];

  /** Starts a world that is closed (executors killed, VMs powered off, files removed) after the test. */
  async world(options: RelWorldOptions = {}): Promise<RelWorld> {
    const world = await startRelWorld(options);
    this.#cleanups.push(() => world.close());
    return world;
  }

  /** Runs `cleanup` after the test, whatever its outcome. */
  defer(cleanup: () => Promise<void> | void): void {
    this.#cleanups.push(async () => cleanup());
  }

  /** Runs the cleanups, newest first; errors are collected, not thrown. */
  async cleanup(): Promise<void> {
    for (const cleanup of this.#cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  }

  fault(count = 1): void {
    this.faults += count;
  }

  hostile(count = 1): void {
    this.hostileInputs += count;
  }

  /** A job the scenario expects to be served or cleanly given up; lost until one is confirmed. */
  job(id: number | string): void {
    if (!this.#jobs.has(String(id))) this.#jobs.set(String(id), "pending");
  }

  served(id: number | string): void {
    this.#jobs.set(String(id), "served");
  }

  givenUp(id: number | string): void {
    this.#jobs.set(String(id), "given up");
  }

  /** A job that reached a final state the user can see (e.g. failed at GitHub with its VM). */
  accounted(id: number | string): void {
    this.#jobs.set(String(id), "accounted");
  }

  leaks(end: CleanEnd): void {
    this.vmsLeaked = end.vms.length;
    this.runnersLeaked = end.runners.length;
  }

  figure(name: string, value: number | string): void {
    this.figures[name] = value;
  }

  get jobs(): number {
    return this.#jobs.size;
  }

  get jobsLost(): number {
    return [...this.#jobs.values()].filter((state) => state === "pending").length;
  }
}

const records: ScenarioRecord[] = [];

/** `it(name, …)` with a Tally that is recorded whatever the outcome. */
export function scenario(name: string, timeoutMs: number, body: (tally: Tally) => Promise<void>): void {
  it(name, { timeout: timeoutMs }, async (context) => {
    const tally = new Tally();
    let passed = false;
    try {
      await body(tally);
      passed = true;
    } finally {
      await tally.cleanup();
      records.push({
        file: [path.relative(SUITE_DIR, context.task.file.filepath), context.task.suite?.name]
          .filter((part) => part !== undefined && part !== "")
          .join(" › "),
        scenario: name,
        passed,
        faults: tally.faults,
        hostileInputs: tally.hostileInputs,
        jobs: tally.jobs,
        jobsLost: tally.jobsLost,
        vmsLeaked: tally.vmsLeaked,
        runnersLeaked: tally.runnersLeaked,
        figures: tally.figures,
      });
    }
  });
}

/** Totals of runs older than a day are of no more use. */
function removeOldRunDirs(current: string): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith("tart-executor-reliability-")) continue;
    const full = path.join(tmpdir(), name);
    try {
      if (full !== current && Date.now() - statSync(full).mtimeMs > 24 * 3600_000)
        rmSync(full, { recursive: true, force: true });
    } catch {
      // another run removed it
    }
  }
}

/** The directory shared by every worker of this vitest run. */
function runDir(): string {
  let started = "";
  try {
    // Field 22 of /proc/<pid>/stat: the start time, so a reused pid is a new run.
    started = readFileSync(`/proc/${process.ppid}/stat`, "utf8").split(") ")[1]?.split(" ")[19] ?? "";
  } catch {
    // not Linux: the pid alone
  }
  return path.join(
    tmpdir(),
    `tart-executor-reliability-${process.ppid}${started === "" ? "" : `-${started}`}`,
  );
}

function suiteFiles(dir = SUITE_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return suiteFiles(full);
    return entry.name.endsWith(".test.ts") ? [path.relative(SUITE_DIR, full)] : [];
  });
}

export interface Totals {
  readonly scenarios: number;
  readonly passed: number;
  readonly faults: number;
  readonly hostileInputs: number;
  readonly jobs: number;
  readonly jobsLost: number;
  readonly vmsLeaked: number;
  readonly runnersLeaked: number;
}

export function totalsOf(all: readonly ScenarioRecord[]): Totals {
  const sum = (pick: (r: ScenarioRecord) => number): number => all.reduce((n, r) => n + pick(r), 0);
  return {
    scenarios: all.length,
    passed: all.filter((r) => r.passed).length,
    faults: sum((r) => r.faults),
    hostileInputs: sum((r) => r.hostileInputs),
    jobs: sum((r) => r.jobs),
    jobsLost: sum((r) => r.jobsLost),
    vmsLeaked: sum((r) => r.vmsLeaked),
    runnersLeaked: sum((r) => r.runnersLeaked),
  };
}

export function totalsLine(totals: Totals): string {
  return (
    `scenarios: ${totals.scenarios} (${totals.passed} passed), faults injected: ${totals.faults}, ` +
    `hostile inputs tried: ${totals.hostileInputs}, jobs: ${totals.jobs}, jobs lost: ${totals.jobsLost}, ` +
    `VMs leaked: ${totals.vmsLeaked}, runners leaked: ${totals.runnersLeaked}`
  );
}

/** Call from afterAll in every reliability test file. */
export function flushTotals(fileUrl: string): void {
  const dir = runDir();
  removeOldRunDirs(dir);
  mkdirSync(dir, { recursive: true });
  const file = path.relative(SUITE_DIR, fileURLToPath(fileUrl));
  writeFileSync(path.join(dir, `${file.replaceAll("/", "__")}.json`), JSON.stringify(records));
  const reported = readdirSync(dir).filter((name) => name.endsWith(".test.ts.json"));
  const all = reported.flatMap(
    (name) => JSON.parse(readFileSync(path.join(dir, name), "utf8")) as ScenarioRecord[],
  );
  const expected = suiteFiles();
  const complete = expected.every((name) => reported.includes(`${name.replaceAll("/", "__")}.json`));
  const line = totalsLine(totalsOf(all));
  const describe = (r: ScenarioRecord): string => {
    const figures = Object.entries(r.figures)
      .map(([key, value]) => `${key}=${value}`)
      .join(" ");
    return `  ${r.passed ? "PASS" : "FAIL"}  ${r.file} › ${r.scenario}  [faults ${r.faults}, hostile ${r.hostileInputs}, jobs ${r.jobs}, lost ${r.jobsLost}, vms leaked ${r.vmsLeaked}, runners leaked ${r.runnersLeaked}]${figures === "" ? "" : `  ${figures}`}`;
  };
  if (!complete) {
    console.log(
      `reliability totals so far (${reported.length} of ${expected.length} files): ${line}\n${records.map(describe).join("\n")}`,
    );
    return;
  }
  const table = all.map(describe).join("\n");
  const text = `RELIABILITY TOTALS — ${line}\n${table}\n`;
  writeFileSync(path.join(dir, "totals.txt"), text);
  console.log(`${text}(also in ${path.join(dir, "totals.txt")})`);
}
