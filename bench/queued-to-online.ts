/**
 * The executor's own overhead from a `queued` delivery to `runner online`, with every simulated
 * delay set to 0, for both guest channels side by side (tart.guestChannel agent: tart exec through
 * the guest agent; ssh: tart ip + SSH), beside the cost of the simulation itself measured in the
 * same run.
 *
 *   npx tsc -p tsconfig.build.json   # once: the simulated tart, guests and runner run from dist/
 *   npx tsx bench/queued-to-online.ts [--jobs 20] [--warmup 2] [--block 2] [--duration-ms 200] [--timeout 300]
 *
 * - Subjects: two real executor daemons in-process (startExecutorDaemon, 2 VM slots each), one
 *   per guest channel, each against its own simulated world (startSimWorld: simulated tart and Mac, guests over real SSH, runner stand-in,
 *   fake GitHub sending signed webhooks). `--jobs` jobs of `--duration-ms` each, at most 2 at a time:
 *   the next job is queued when one has finished and its VM is deleted (a free slot), so no job
 *   waits behind another's teardown. Per job: fake GitHub's `queued` delivery record → the
 *   executor's timeline (received, cloned, booted, runner online) for the VM that served the job;
 *   and GitHub's job completion → the timeline's "VM deleted".
 * - Baseline: the simulation's own cost — the same simulated work issued directly through the
 *   adapters with no executor (support/bare-vm-cycle.ts: clone, set, run, ip, SSH, start the runner
 *   stand-in until its session is open at the fake GitHub, power-off, delete), `--jobs` times, 2 at
 *   a time. Executor minus baseline is the executor's own overhead: webhook handling, ledger,
 *   reconciler, following the runner's log, bookkeeping.
 * - Noise: after a warm-up of each (discarded), subject and baseline take turns in blocks of
 *   `--block` jobs in ABBA order.
 *
 * - Channels: the same jobs, blocks of each in turn (agent, ssh, bare; then the reverse), so both
 *   channels see the same machine.
 *
 * Exits 0 with the figures, 1 if a job did not run as it should, 2 if the run hit `--timeout`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { startExecutorDaemon, type ExecutorDaemon } from "../src/cli/executor-daemon.js";
import { loadExecutorConfig } from "../src/config/index.js";
import type { JobTimeline } from "../src/executor/job-timelines.js";
import { jobKey } from "../src/executor/model.js";
import { createLogger } from "../src/observability/logger.js";
import type { JobView } from "../src/sim/github/job-view.js";
import {
  IMAGE_WITH_RUNNER,
  killSimulatedVms,
  packageRootDir,
  SIM_ORG,
  simTartExecutable,
  startSimWorld,
} from "../src/sim/world/sim-world.js";
import { Tart } from "../src/tart/tart.js";
import { systemClock } from "../src/clock.js";
import { GitHubClient } from "../src/github/github-client.js";
import { bareVmCycle, type BareCycleTimes } from "./support/bare-vm-cycle.js";
import { BENCH_LABELS } from "./support/queued-deliveries.js";
import { flagNumber, machineLine, ms, signed, sleep, summarize, table } from "./support/stats.js";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "20" },
    warmup: { type: "string", default: "2" },
    block: { type: "string", default: "2" },
    "duration-ms": { type: "string", default: "200" },
    timeout: { type: "string", default: "300" },
  },
});
const JOBS = flagNumber("jobs", values.jobs, { min: 1, max: 150 });
const WARMUP = flagNumber("warmup", values.warmup, { min: 0, max: 10 });
const BLOCK = flagNumber("block", values.block, { min: 1, max: 150 });
const DURATION_MS = flagNumber("duration-ms", values["duration-ms"], { min: 0, max: 60_000 });
const TIMEOUT_S = flagNumber("timeout", values.timeout, { min: 10, max: 3600 });
const SLOTS = 2;
const STEP_TIMEOUT_MS = 60_000;

const say = (line = ""): void => void process.stdout.write(`${line}\n`);

const distTart = path.join(packageRootDir, "dist", "sim", "tart", "main.js");
if (!existsSync(distTart)) {
  say(`${distTart} is missing: the simulated tart, guests and runner run from dist/.`);
  say("Build first:  npx tsc -p tsconfig.build.json   (or npm run build)");
  process.exit(1);
}
const staleness = newestMtime(path.join(packageRootDir, "src", "sim")) - statSync(distTart).mtimeMs;

interface SubjectSample {
  readonly job: number;
  /** The VM that ran the job (null when the timeline is ambiguous). */
  readonly vm: string | null;
  readonly queued: number;
  readonly received: number;
  readonly cloned: number;
  readonly booted: number;
  readonly online: number;
  readonly jobStarted: number;
  readonly jobEnd: number;
  readonly deleted: number;
  /** The timeline named one VM and GitHub says that VM's runner ran the job. */
  readonly unambiguous: boolean;
  /** What the timeline looked like when it was not clear. */
  readonly note: string | null;
}

/** Keeps the last warnings and errors the daemon logged, to show them if something goes wrong. */
const logLines: string[] = [];
const log = createLogger({
  level: "warn",
  pretty: false,
  destination: new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      logLines.push(String(chunk).trimEnd());
      if (logLines.length > 50) logLines.shift();
      callback();
    },
  }),
});

say(`queued-to-online — ${new Date().toISOString()}`);
say(`  ${await machineLine()}`);
if (staleness > 0)
  say("  note: src/sim changed after dist/ was built; rebuild (npx tsc -p tsconfig.build.json) if in doubt");

// One simulated Mac per channel, so the two daemons never compete for jobs or VM slots; the bare
// baseline (SSH, as before) runs on the SSH world.
const CHANNELS = ["agent", "ssh"] as const;
type Channel = (typeof CHANNELS)[number];
const worlds = { agent: await startSimWorld(), ssh: await startSimWorld() };
const world = worlds.ssh;
const daemons: ExecutorDaemon[] = [];
const overall = setTimeout(() => {
  say(`\nbenchmark did not finish within ${TIMEOUT_S} s; stopping`);
  for (const line of logLines.slice(-10)) say(`  log: ${line}`);
  for (const each of Object.values(worlds)) {
    killSimulatedVms(each.tartHome);
    rmSync(each.root, { recursive: true, force: true });
  }
  process.exit(2);
}, TIMEOUT_S * 1000);

let exitCode = 0;
try {
  const startDaemon = async (channel: Channel): Promise<ExecutorDaemon> => {
    const home = worlds[channel];
    const config = loadExecutorConfig(home.writeExecutorConfig(0, { tart: { guestChannel: channel } }), {
      env: {},
      homedir: home.root,
      readFile: (file) => readFileSync(file, "utf8"),
    });
    const running = await startExecutorDaemon({
      config,
      tartExecutable: simTartExecutable,
      privateKeyPem: readFileSync(home.privateKeyPath, "utf8"),
      env: { PATH: process.env["PATH"] ?? "", HOME: home.root },
      log,
    });
    daemons.push(running);
    say(
      `  ${channel} executor ${running.url}, tart.guestChannel ${channel}, ${config.tart.numberOfVirtualMachines} VM slots`,
    );
    return running;
  };
  const running = { agent: await startDaemon("agent"), ssh: await startDaemon("ssh") };
  const tart = new Tart({
    executable: simTartExecutable,
    env: { PATH: process.env["PATH"] ?? "", TART_HOME: world.tartHome, CI: "1" },
  });
  const github = new GitHubClient({
    appId: String(world.github.appId),
    privateKeyPem: readFileSync(world.privateKeyPath, "utf8"),
    apiUrl: world.github.apiUrl,
    scope: { kind: "organization", org: SIM_ORG },
    clock: systemClock,
    userAgent: "tart-executor-bench",
  });
  const bareLogDir = path.join(world.root, "bare-vm-logs");
  mkdirSync(bareLogDir, { recursive: true });
  say("  simulated delays all 0 (tart ip poll 50 ms)");
  say(
    `  per channel ${JOBS} jobs of ${DURATION_MS} ms, ${SLOTS} at a time, and ${JOBS} bare VM cycles (SSH), in blocks of ${BLOCK} (agent, ssh, bare, then reversed), after a warm-up of ${WARMUP} each`,
  );

  let jobNumber = 0;
  const subjectJob = (channel: Channel) => async (): Promise<SubjectSample> => {
    jobNumber += 1;
    const home = worlds[channel];
    const daemon = running[channel];
    const handle = home.github.dispatcher.enqueueJob({
      repo: `${SIM_ORG}/app`,
      labels: BENCH_LABELS,
      durationMs: DURATION_MS,
      name: `bench job ${jobNumber}`,
    });
    const view = await handle.settled(STEP_TIMEOUT_MS);
    if (view.conclusion !== "success" || view.runner === null || view.completedAtMs === null)
      throw new Error(`${channel} job ${handle.id} ended ${view.status}/${view.conclusion ?? "-"}`);
    const key = jobKey(handle.repo, handle.id, handle.runAttempt);
    // The slot is free again once the VM that ran the job is deleted.
    const timeline = await waitUntil(
      () => {
        const current = daemon.timelines.get(key);
        return current !== null &&
          current.steps.some((step) => step.step === "VM deleted") &&
          daemon.executor.ledger.vms.size < SLOTS
          ? current
          : null;
      },
      STEP_TIMEOUT_MS,
      `the VM of ${channel} job ${handle.id} to be deleted`,
    );
    const delivery = home.github
      .deliveries()
      .find((d) => d.event === "workflow_job" && d.action === "queued" && d.jobId === handle.id);
    if (delivery === undefined)
      throw new Error(`no queued delivery recorded for ${channel} job ${handle.id}`);
    return measure(handle.id, timeline, delivery.createdAtMs, view);
  };
  let bareNumber = 0;
  const bareCycle = (): Promise<BareCycleTimes> => {
    bareNumber += 1;
    return bareVmCycle(`bench-bare-${bareNumber}`, {
      tart,
      github,
      runnerOnline: (name) =>
        world.github.dispatcher.waitFor(
          () => world.github.runners(SIM_ORG).find((r) => r.name === name && r.status === "online"),
          STEP_TIMEOUT_MS,
          `runner ${name} to come online`,
        ),
      image: IMAGE_WITH_RUNNER,
      sshPort: world.sshPort,
      logDir: bareLogDir,
    });
  };

  if (WARMUP > 0) {
    for (const channel of CHANNELS) await inParallel(WARMUP, subjectJob(channel));
    await inParallel(WARMUP, bareCycle);
  }
  const subject: Record<Channel, SubjectSample[]> = { agent: [], ssh: [] };
  const bare: BareCycleTimes[] = [];
  for (let index = 0, done = 0; done < JOBS; index += 1) {
    const size = Math.min(BLOCK, JOBS - done);
    const runAgent = async () => void subject.agent.push(...(await inParallel(size, subjectJob("agent"))));
    const runSsh = async () => void subject.ssh.push(...(await inParallel(size, subjectJob("ssh"))));
    const runBare = async () => void bare.push(...(await inParallel(size, bareCycle)));
    for (const run of index % 2 === 0 ? [runAgent, runSsh, runBare] : [runBare, runSsh, runAgent])
      await run();
    done += size;
  }

  const clear = {
    agent: subject.agent.filter((s) => s.unambiguous),
    ssh: subject.ssh.filter((s) => s.unambiguous),
  };
  // When each simulated `tart clone` process was up and running (its own record of the invocation).
  const cloneRunning = new Map([...cloneStarts(worlds.agent.simDir), ...cloneStarts(worlds.ssh.simDir)]);
  const reaction = (name: string | null, from: number): number => {
    const at = name === null ? undefined : cloneRunning.get(name);
    return at === undefined ? Number.NaN : at - from;
  };
  const of = (samples: readonly SubjectSample[], from: keyof SubjectSample, to: keyof SubjectSample) =>
    samples.map((s) => Number(s[to]) - Number(s[from])).filter((value) => !Number.isNaN(value));
  type Row = {
    label: string;
    pick: (channel: Channel) => number[];
    bareLabel: string;
    bare: number[] | null;
  };
  const rows: Row[] = [
    {
      label: "queued → received (webhook)",
      pick: (c) => of(subject[c], "queued", "received"),
      bareLabel: "",
      bare: null,
    },
    {
      label: "queued → tart clone running",
      pick: (c) => clear[c].map((s) => reaction(s.vm, s.queued)).filter((v) => !Number.isNaN(v)),
      bareLabel: "start → tart clone running",
      bare: bare.map((b) => reaction(b.name, b.startedAt)).filter((v) => !Number.isNaN(v)),
    },
    {
      label: "queued → cloned",
      pick: (c) => of(clear[c], "queued", "cloned"),
      bareLabel: "clone + set",
      bare: bare.map((b) => b.cloneMs),
    },
    {
      label: "cloned → booted (guest ready)",
      pick: (c) => of(clear[c], "cloned", "booted"),
      bareLabel: "run → IP → SSH",
      bare: bare.map((b) => b.bootMs),
    },
    {
      label: "booted → runner online",
      pick: (c) => of(clear[c], "booted", "online"),
      bareLabel: "start runner → online",
      bare: bare.map((b) => b.runnerMs),
    },
    {
      label: "queued → runner online",
      pick: (c) => of(subject[c], "queued", "online"),
      bareLabel: "clone → runner online",
      bare: bare.map((b) => b.toOnlineMs),
    },
    {
      label: "runner online → job started",
      pick: (c) => of(clear[c], "online", "jobStarted"),
      bareLabel: "",
      bare: null,
    },
    {
      label: "job end → VM deleted",
      pick: (c) => of(clear[c], "jobEnd", "deleted"),
      bareLabel: "power-off → deleted",
      bare: bare.map((b) => b.deleteMs),
    },
  ];
  const cells = (values: readonly number[] | null): string[] => {
    if (values === null) return ["", ""];
    const s = summarize(values);
    return [ms(s.p50, 0), ms(s.mean, 0)];
  };
  say();
  say(
    table(
      [
        "phase (ms)",
        "agent median",
        "agent mean",
        "ssh median",
        "ssh mean",
        "agent − ssh (median)",
        "bare sequence, SSH (ms)",
        "median",
        "mean",
      ],
      rows.map((row) => {
        const agent = row.pick("agent");
        const ssh = row.pick("ssh");
        return [
          row.label,
          ...cells(agent),
          ...cells(ssh),
          signed(summarize(agent).p50 - summarize(ssh).p50, 0),
          row.bareLabel,
          ...cells(row.bare),
        ];
      }),
    ),
  );
  const bareTotal = summarize(bare.map((b) => b.toOnlineMs));
  say();
  for (const channel of CHANNELS) {
    const ambiguous = subject[channel].length - clear[channel].length;
    const total = summarize(of(subject[channel], "queued", "online"));
    say(
      `${channel}: ${subject[channel].length} jobs (${ambiguous} with an ambiguous timeline), queued → runner online median ${ms(total.p50, 0)} ms (mean ${ms(total.mean, 0)}); over the bare SSH sequence ${signed(total.p50 - bareTotal.p50, 0)} ms (medians)`,
    );
    for (const sample of subject[channel]) if (sample.note !== null) say(`    ${sample.note}`);
  }
  say(
    `bare simulated sequence (SSH): clone → runner online, median ${ms(bareTotal.p50, 0)} ms (mean ${ms(bareTotal.mean, 0)})`,
  );
  if (logLines.length > 0)
    say(`  the daemons logged ${logLines.length} warnings or errors; the last one: ${logLines.at(-1)}`);
} catch (error) {
  exitCode = 1;
  say(`benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  for (const line of logLines.slice(-10)) say(`  log: ${line}`);
} finally {
  for (const daemon of daemons) await daemon.close("benchmark finished");
  for (const each of Object.values(worlds)) await each.close();
  clearTimeout(overall);
}
process.exit(exitCode);

function measure(job: number, timeline: JobTimeline, queued: number, view: JobView): SubjectSample {
  const vmStarts = timeline.steps.filter((step) => step.step === "vm started");
  const servedBy = view.runner?.name;
  const unambiguous = vmStarts.length === 1 && vmStarts[0]?.detail === servedBy;
  const at = (step: string): number =>
    unambiguous ? (timeline.steps.find((s) => s.step === step)?.at ?? Number.NaN) : Number.NaN;
  // Without a clear timeline: when GitHub handed the job to the runner, which it does as soon as
  // the runner's listener session is open.
  const assigned =
    [...view.timeline]
      .reverse()
      .find((entry) => entry.event === "assigned" && entry.detail?.["runnerName"] === servedBy)?.atMs ??
    Number.NaN;
  return {
    job,
    vm: unambiguous ? (servedBy ?? null) : null,
    queued,
    received: timeline.steps.find((s) => s.step === "received")?.at ?? Number.NaN,
    cloned: at("cloned"),
    booted: at("booted"),
    online: unambiguous ? at("runner online") : assigned,
    jobStarted: at("job started"),
    jobEnd: view.completedAtMs ?? Number.NaN,
    deleted: at("VM deleted"),
    unambiguous,
    note: unambiguous
      ? null
      : `job ${job}: ran on ${servedBy ?? "?"}; timeline ${timeline.steps.map((s) => `${s.step}${s.detail === undefined ? "" : `(${s.detail})`}@${s.at - queued}`).join(", ")}`,
  };
}

/** Runs `count` tasks, at most SLOTS at a time, each next one started when one finishes. */
async function inParallel<T>(count: number, task: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < count) {
      started += 1;
      results.push(await task());
    }
  };
  await Promise.all(Array.from({ length: Math.min(SLOTS, count) }, worker));
  return results;
}

async function waitUntil<T>(probe: () => T | null, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** VM name → when its `tart clone` started running, from the simulation's invocations.jsonl. */
function cloneStarts(simDir: string): Map<string, number> {
  const starts = new Map<string, number>();
  const file = path.join(simDir, "invocations.jsonl");
  if (!existsSync(file)) return starts;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const record = JSON.parse(line) as { argv?: string[]; startedAt?: string };
    const [command, , name] = record.argv ?? [];
    if (command === "clone" && name !== undefined && record.startedAt !== undefined)
      starts.set(name, Date.parse(record.startedAt));
  }
  return starts;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}
