/**
 * Webhook latency of the executor's HTTP path under a steady delivery rate, beside a bare Fastify
 * endpoint measured in the same run.
 *
 *   npx tsx bench/webhook-latency.ts [--rate 200] [--seconds 10] [--warmup 2] [--block 2.5]
 *
 * Target (issue): "p99 under 20 ms at 200 deliveries/s on one of our 2-core machines, reported
 * beside a bare Fastify endpoint measured in the same run".
 *
 * - Subject: the executor's real path (buildExecutorServer → handleWebhook → Executor.recordJob →
 *   LedgerStore fsync group commit, reconciler running, 2 VM slots so the ledger keeps growing),
 *   in a child process of its own; see support/webhook-target-process.ts.
 * - Baseline: a bare Fastify app with one POST /webhook route (body read as a buffer, 202), in
 *   another child process.
 * - Load: signed `workflow_job` `queued` deliveries with unique job ids, sent from this process over
 *   keep-alive HTTP at a fixed open-loop rate: request i is due at start + i/rate whatever happened
 *   to earlier ones, and its latency is measured from that due time to the end of the response, so
 *   a slow answer cannot hide the requests queued behind it (coordinated omission).
 * - Noise: after a warm-up per target (discarded), the two targets take turns in blocks in ABBA
 *   order (E B B E E B …), so whatever else the machine is doing hits both alike.
 *
 * Exits 0 whatever the figures (a benchmark reports, it does not gate), 1 if the executor answered
 * errors, 2 if the run hit its own time limit.
 */
import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { queuedDeliveries, type Delivery } from "./support/queued-deliveries.js";
import { flagNumber, machineLine, ms, signed, sleep, summarize, table } from "./support/stats.js";
import type { TargetKind, TargetMessage } from "./support/webhook-target-process.js";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "200" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    block: { type: "string", default: "2.5" },
  },
});
const RATE = flagNumber("rate", values.rate, { min: 1, max: 2000 });
const SECONDS = flagNumber("seconds", values.seconds, { min: 1, max: 300 });
const WARMUP = flagNumber("warmup", values.warmup, { min: 0, max: 60 });
const BLOCK = flagNumber("block", values.block, { min: 0.5, max: 30 });
const TARGET_P99_MS = 20;
const REQUEST_TIMEOUT_MS = 10_000; // GitHub gives up on a delivery after 10 s
const SECRET = randomBytes(16).toString("hex");
// Everything (warm-up, blocks, drains, start-up) must fit; the run ends itself after this.
const HARD_LIMIT_MS = (2 * (WARMUP + SECONDS) + 90) * 1000;

interface Sample {
  /** From the due time to the end of the response. */
  readonly latencyMs: number;
  /** How late this process actually sent the request (client-side noise, included in latency). */
  readonly lagMs: number;
  readonly error: string | null;
}

interface Block {
  readonly kind: TargetKind;
  readonly samples: readonly Sample[];
  /** From the first due time to the last response. */
  readonly durationMs: number;
}

interface RunningTarget {
  readonly kind: TargetKind;
  readonly child: ChildProcess;
  readonly port: number;
  readonly agent: Agent;
}

const say = (line = ""): void => void process.stdout.write(`${line}\n`);
const targetScript = fileURLToPath(new URL("./support/webhook-target-process.ts", import.meta.url));
const makeDelivery = queuedDeliveries(SECRET);
let nextJobId = 50_000_000_001;
const children: ChildProcess[] = [];

const hardLimit = setTimeout(() => {
  say(`\nbenchmark did not finish within ${HARD_LIMIT_MS / 1000} s; stopping`);
  for (const child of children) child.kill();
  process.exit(2);
}, HARD_LIMIT_MS);
hardLimit.unref();

say(`webhook-latency — ${new Date().toISOString()}`);
say(`  ${await machineLine()}`);
const executor = await startTarget("executor");
const baseline = await startTarget("baseline");

say(
  `  open-loop ${RATE} deliveries/s, warm-up ${WARMUP} s per target, then ${SECONDS} s per target in ${BLOCK} s blocks (ABBA)`,
);
if (WARMUP > 0) {
  await runBlock(executor, WARMUP);
  await runBlock(baseline, WARMUP);
}
// The targets' event-loop delay is reported for the measured blocks only.
for (const target of [executor, baseline]) target.child.send({ type: "reset" });
const blocks: Block[] = [];
const perTarget = Math.ceil(SECONDS / BLOCK - 1e-9);
for (let index = 0; index < perTarget; index += 1) {
  const seconds = Math.min(BLOCK, SECONDS - index * BLOCK);
  const order = index % 2 === 0 ? [executor, baseline] : [baseline, executor];
  for (const target of order) blocks.push(await runBlock(target, seconds));
}
const stats = await Promise.all([stopTarget(executor), stopTarget(baseline)]);

const report = (kind: TargetKind) => {
  const own = blocks.filter((block) => block.kind === kind);
  const samples = own.flatMap((block) => block.samples);
  const ok = samples.filter((sample) => sample.error === null);
  const latency = summarize(ok.map((sample) => sample.latencyMs));
  const lag = summarize(samples.map((sample) => sample.lagMs));
  const seconds = own.reduce((sum, block) => sum + block.durationMs, 0) / 1000;
  const blockP99 = own.map(
    (block) => summarize(block.samples.filter((s) => s.error === null).map((s) => s.latencyMs)).p99,
  );
  const errors = new Map<string, number>();
  for (const sample of samples)
    if (sample.error !== null) errors.set(sample.error, (errors.get(sample.error) ?? 0) + 1);
  return { samples, ok, latency, lag, rate: ok.length / seconds, blockP99, errors };
};
const subject = report("executor");
const base = report("baseline");
const [executorStats, baselineStats] = stats;

say();
say(
  table(
    ["target", "count", "errors", "p50 ms", "p90 ms", "p99 ms", "max ms", "achieved/s", "send lag p99 ms"],
    (
      [
        ["executor", subject],
        ["bare Fastify", base],
      ] as const
    ).map(([name, r]) => [
      name,
      String(r.samples.length),
      String(r.samples.length - r.ok.length),
      ms(r.latency.p50, 2),
      ms(r.latency.p90, 2),
      ms(r.latency.p99, 2),
      ms(r.latency.max, 2),
      r.rate.toFixed(1),
      ms(r.lag.p99, 2),
    ]),
  ),
);
say("  (latency: from each delivery's scheduled send time to the end of its answer; send lag: how late");
say("  this process actually sent it — part of the latency, and a gauge of how busy the machine was)");
say(`  p99 per block, executor:     ${subject.blockP99.map((v) => ms(v, 2)).join("  ")}`);
say(`  p99 per block, bare Fastify: ${base.blockP99.map((v) => ms(v, 2)).join("  ")}`);
for (const [name, s] of [
  ["executor", executorStats],
  ["bare Fastify", baselineStats],
] as const) {
  if (s === null) continue;
  const ledger =
    s.ledgerJobs === null ? "" : `; ledger ${s.ledgerJobs} jobs at the end, ${s.vmsRequested} VMs started`;
  const perDelivery = s.cpuMs / (name === "executor" ? subject : base).samples.length;
  say(
    `  ${name} process: CPU ${ms(perDelivery, 3)} ms per delivery (${ms((perDelivery * RATE) / 10, 0)}% of a core at ${RATE}/s), event-loop delay p99 ${ms(s.loopDelayP99Ms, 2)} ms, max ${ms(s.loopDelayMaxMs, 2)} ms${ledger}`,
  );
}
for (const [name, r] of [
  ["executor", subject],
  ["bare Fastify", base],
] as const)
  for (const [error, count] of r.errors) say(`  ${name} error ×${count}: ${error}`);
say();
say(
  `executor p99 ${ms(subject.latency.p99, 2)} ms (target < ${TARGET_P99_MS} ms) — ${
    subject.latency.p99 < TARGET_P99_MS && subject.ok.length > 0 ? "PASS" : "FAIL"
  }`,
);
say(
  `executor − bare Fastify: p50 ${signed(subject.latency.p50 - base.latency.p50, 2)} ms, p90 ${signed(
    subject.latency.p90 - base.latency.p90,
    2,
  )} ms, p99 ${signed(subject.latency.p99 - base.latency.p99, 2)} ms`,
);
if (base.ok.length < base.samples.length)
  say("warning: the bare Fastify baseline answered errors; the comparison is not reliable");
process.exit(subject.ok.length < subject.samples.length ? 1 : 0);

async function startTarget(kind: TargetKind): Promise<RunningTarget> {
  const child = fork(targetScript, [kind, SECRET, String(HARD_LIMIT_MS / 1000 + 30)], {
    execArgv: process.execArgv,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  children.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} target did not start within 30 s`)), 30_000);
    child.once("exit", (code) => reject(new Error(`${kind} target exited with ${code}`)));
    child.on("message", (message: TargetMessage) => {
      if (message.type !== "ready") return;
      clearTimeout(timer);
      resolve(message.url);
    });
  });
  return {
    kind,
    child,
    port: Number(new URL(url).port),
    // Idle sockets are closed after 3 s, before the executor's 5 s keep-alive timeout closes them
    // from its side (a request racing that close would fail with ECONNRESET).
    agent: new Agent({ keepAlive: true, maxSockets: 256, timeout: 3_000 }),
  };
}

async function stopTarget(target: RunningTarget) {
  target.agent.destroy();
  const stats = await new Promise<Extract<TargetMessage, { type: "stats" }> | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), 15_000);
    target.child.on("message", (message: TargetMessage) => {
      if (message.type !== "stats") return;
      clearTimeout(timer);
      resolve(message);
    });
    target.child.send({ type: "stop" });
  });
  if (target.child.exitCode === null && target.child.signalCode === null)
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        target.child.kill();
        resolve();
      }, 5_000);
      target.child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  return stats;
}

/** `seconds` of open-loop load on one target; resolves when every request has settled. */
async function runBlock(target: RunningTarget, seconds: number): Promise<Block> {
  const count = Math.round(seconds * RATE);
  const interval = 1000 / RATE;
  const start = performance.now() + 1;
  const pending: Array<Promise<Sample & { endedAt: number }>> = [];
  for (let index = 0; index < count; index += 1) {
    const delivery = makeDelivery(nextJobId++);
    const due = start + index * interval;
    const wait = due - performance.now();
    // setTimeout truncates fractions; round up so a request is never sent before it is due.
    if (wait > 0) await sleep(Math.ceil(wait));
    pending.push(post(target, delivery, due));
  }
  const samples = await Promise.all(pending);
  const endedAt = Math.max(...samples.map((sample) => sample.endedAt));
  // n requests take n intervals at the full rate; longer when the answers drag behind.
  return { kind: target.kind, samples, durationMs: Math.max(endedAt - start, count * interval) };
}

function post(target: RunningTarget, delivery: Delivery, due: number): Promise<Sample & { endedAt: number }> {
  return new Promise((resolve) => {
    const sentAt = performance.now();
    let settled = false;
    const finish = (error: string | null): void => {
      if (settled) return;
      settled = true;
      const endedAt = performance.now();
      resolve({ latencyMs: endedAt - due, lagMs: sentAt - due, error, endedAt });
    };
    const req = request(
      {
        host: "127.0.0.1",
        port: target.port,
        path: "/webhook",
        method: "POST",
        agent: target.agent,
        headers: delivery.headers,
        timeout: REQUEST_TIMEOUT_MS,
      },
      (response) => {
        response.resume();
        response.on("end", () =>
          finish(response.statusCode === 202 ? null : `HTTP ${response.statusCode ?? "?"}`),
        );
        response.on("error", (error) => finish(error.message));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
    req.on("error", (error) => finish(error.message));
    req.end(delivery.body);
  });
}
