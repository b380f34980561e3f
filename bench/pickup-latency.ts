/**
 * Pickup latency with and without the warm pool, side by side in one run: from a job's `queued`
 * event at (fake) GitHub to the job starting on a runner, for jobs a warm VM can take and for jobs
 * that need a VM of their own, arriving at random times.
 *
 *   npm run build   # once: the simulated tart, guests and runner run from dist/
 *   npx tsx bench/pickup-latency.ts [--jobs 8] [--seed 7] [--min-gap 25] [--max-gap 40] [--timeout 900]
 *
 * - Subject: the real executor daemon in-process (startExecutorDaemon, 2 VM slots, warmPool with
 *   one VM of IMAGE_WITH_RUNNER) against the simulated world with realistic delays: clone 0.3 s,
 *   boot 20 s, SSH ready 3 s after boot. (The simulated runner comes online as soon as its
 *   session opens: the simulation has no knob for the 2 s a real runner takes; the "bare
 *   sequence" below leaves it out too, so the comparison stays fair.)
 * - Jobs: `--jobs` jobs, half "warm" (labels the warm runner has) and half "cold" (they add
 *   `cpu:6`, which the warm runner lacks), in a shuffled order; the gap between arrivals is
 *   uniform in [min-gap, max-gap] seconds. The first job arrives once the pool's VM is online.
 * - Figures: per kind, the median and p90 of queued → job started, the warm/cold ratio of the
 *   medians, and cold minus the bare sequence (clone + boot + SSH ready = 23.3 s).
 *
 * Exits 0 with the figures, 1 if a job did not run, 2 on `--timeout`.
 */
import { readFileSync, rmSync } from "node:fs";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { startExecutorDaemon, type ExecutorDaemon } from "../src/cli/executor-daemon.js";
import { loadExecutorConfig } from "../src/config/index.js";
import { createLogger } from "../src/observability/logger.js";
import type { JobHandle } from "../src/sim/github/dispatcher.js";
import {
  IMAGE_WITH_RUNNER,
  killSimulatedVms,
  SIM_ORG,
  simTartExecutable,
  startSimWorld,
} from "../src/sim/world/sim-world.js";
import { flagNumber, machineLine, ms, signed, sleep, summarize, table } from "./support/stats.js";
import { seeded } from "../test/helpers/seeded-random.js";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "8" },
    seed: { type: "string", default: "7" },
    "min-gap": { type: "string", default: "25" },
    "max-gap": { type: "string", default: "40" },
    timeout: { type: "string", default: "900" },
  },
});
const JOBS = flagNumber("jobs", values.jobs, { min: 2, max: 60 });
const SEED = flagNumber("seed", values.seed, { min: 0, max: 2 ** 31 });
const MIN_GAP_S = flagNumber("min-gap", values["min-gap"], { min: 0, max: 600 });
const MAX_GAP_S = flagNumber("max-gap", values["max-gap"], { min: MIN_GAP_S, max: 600 });
const TIMEOUT_S = flagNumber("timeout", values.timeout, { min: 30, max: 7200 });
const DELAYS = { cloneMs: 300, bootMs: 20_000, sshReadyMs: 3_000 };
const BARE_MS = DELAYS.cloneMs + DELAYS.bootMs + DELAYS.sshReadyMs;
const LABELS = ["tartelet", IMAGE_WITH_RUNNER];
const COLD_LABELS = [...LABELS, "cpu:6"];

const say = (line = ""): void => void process.stdout.write(`${line}\n`);

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

say(`pickup-latency — ${new Date().toISOString()}`);
say(`  ${await machineLine()}`);
say(
  `  simulated delays: clone ${DELAYS.cloneMs} ms, boot ${DELAYS.bootMs} ms, SSH ready +${DELAYS.sshReadyMs} ms`,
);

const world = await startSimWorld({ sim: { delays: DELAYS } });
let daemon: ExecutorDaemon | null = null;
const overall = setTimeout(() => {
  say(`\nbenchmark did not finish within ${TIMEOUT_S} s; stopping`);
  for (const line of logLines.slice(-10)) say(`  log: ${line}`);
  killSimulatedVms(world.tartHome);
  rmSync(world.root, { recursive: true, force: true });
  process.exit(2);
}, TIMEOUT_S * 1000);

let exitCode = 0;
try {
  const config = loadExecutorConfig(
    world.writeExecutorConfig(0, { warmPool: { pools: [{ image: IMAGE_WITH_RUNNER, count: 1 }] } }),
    { env: {}, homedir: world.root, readFile: (file) => readFileSync(file, "utf8") },
  );
  daemon = await startExecutorDaemon({
    config,
    tartExecutable: simTartExecutable,
    privateKeyPem: readFileSync(world.privateKeyPath, "utf8"),
    env: { PATH: process.env["PATH"] ?? "", HOME: world.root },
    log,
  });
  // The image is pulled once before anything is measured.
  const warmOnline = (): boolean =>
    world.github.runners(SIM_ORG).some((r) => r.status === "online" && !r.busy);
  for (let waited = 0; !warmOnline(); waited += 200) {
    if (waited > 180_000) throw new Error("the warm pool's first VM did not come online within 180 s");
    await sleep(200);
  }
  const random = seeded(SEED);
  const kinds: string[] = Array.from({ length: JOBS }, (_, i) => (i % 2 === 0 ? "warm" : "cold"));
  for (let i = kinds.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j] ?? "warm", kinds[i] ?? "cold"];
  }
  const jobs: { kind: string; handle: JobHandle }[] = [];
  for (const [index, kind] of kinds.entries()) {
    if (index > 0) await sleep((MIN_GAP_S + random() * (MAX_GAP_S - MIN_GAP_S)) * 1000);
    const handle = world.github.dispatcher.enqueueJob({
      repo: `${SIM_ORG}/app`,
      labels: kind === "warm" ? LABELS : COLD_LABELS,
      durationMs: 1000,
    });
    jobs.push({ kind, handle });
    say(`  job ${index + 1}/${JOBS}: ${kind}`);
  }
  const rows: { kind: string; latency: number; runner: string }[] = [];
  for (const { kind, handle } of jobs) {
    const view = await handle.settled(180_000);
    if (view.conclusion !== "success")
      throw new Error(`job ${view.id} ended ${view.conclusion ?? "without a conclusion"}`);
    rows.push({ kind, latency: view.startedAtMs - view.createdAtMs, runner: view.runner?.name ?? "?" });
  }
  const warm = summarize(rows.filter((r) => r.kind === "warm").map((r) => r.latency));
  const cold = summarize(rows.filter((r) => r.kind === "cold").map((r) => r.latency));
  say();
  say(
    table(
      ["queued → job started (ms)", "jobs", "median", "p90", "max"],
      [
        ["warm (pool's labels)", String(warm.count), ms(warm.p50, 0), ms(warm.p90, 0), ms(warm.max, 0)],
        ["cold (needs its own VM)", String(cold.count), ms(cold.p50, 0), ms(cold.p90, 0), ms(cold.max, 0)],
      ],
    ),
  );
  say();
  say(`  warm/cold ratio of medians: ${(warm.p50 / cold.p50).toFixed(3)}`);
  say(`  cold median − bare sequence (${BARE_MS} ms): ${signed(cold.p50 - BARE_MS, 0)} ms`);
  say(
    `  target: warm median < 3000 ms (${warm.p50 < 3000 ? "met" : "NOT met"}); cold − bare < 500 ms (${cold.p50 - BARE_MS < 500 ? "met" : "NOT met"})`,
  );
  if (logLines.length > 0)
    say(`  the daemon logged ${logLines.length} warnings or errors; the last one: ${logLines.at(-1)}`);
} catch (error) {
  exitCode = 1;
  say(`benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  for (const line of logLines.slice(-10)) say(`  log: ${line}`);
} finally {
  await daemon?.close("benchmark finished");
  await world.close();
  clearTimeout(overall);
}
process.exit(exitCode);
