/**
 * The latency tart-router adds over delivering straight to an executor, both measured in one run.
 *
 *   npx tsx bench/router-latency.ts [--rate 200] [--seconds 10] [--warmup 1] [--block 2.5]
 *                                   [--baseline-router DIR] [--profile DIR]
 *
 * Target (issue): "under 2 ms at the median and 10 ms at p99 at 200 deliveries/s".
 *
 * - Executor: bench-executor.ts in this process, doing an executor's hot path (read the bytes,
 *   verify the signature, parse) on `/` for direct deliveries and on `/router` for forwards, and
 *   noting when each delivery arrived. It is the same code for both paths, so only the router's
 *   share differs.
 * - Router: the real `tart-router` daemon in a child process (the CLI, with a fresh state
 *   directory: every delivery is journaled and fdatasync'd before its 202, as in production).
 * - Load: signed `workflow_job` `queued` deliveries with unique job ids (support/queued-deliveries.ts)
 *   over keep-alive HTTP at a fixed open-loop rate; latency runs from each request's due time, so
 *   a slow answer cannot hide the requests behind it. After a warm-up, the two paths take turns in
 *   blocks in ABBA order, so whatever else the machine is doing hits both alike.
 * - Measured: due time → the executor has the delivery (what a job waits for), and due time → the
 *   sender's answer (what GitHub waits for: the executor's 202, or the router's after its fsync).
 * - `--baseline-router DIR`: a second router from another source tree (e.g. the last commit,
 *   extracted with `git archive`), measured as a third path in the same run (ABC CBA order), to
 *   compare two versions of the router under the same load rather than in runs minutes apart.
 * - `--profile DIR`: the router (not the baseline) runs with `node --cpu-prof` and writes its
 *   profile into DIR when it exits.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startBenchExecutor } from "./bench-executor.js";
import { queuedDeliveries, type Delivery } from "./support/queued-deliveries.js";
import { flagNumber, machineLine, ms, signed, sleep, summarize, table } from "./support/stats.js";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "200" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "1" },
    block: { type: "string", default: "2.5" },
    "baseline-router": { type: "string" },
    profile: { type: "string" },
  },
});
const RATE = flagNumber("rate", values.rate, { min: 1, max: 2000 });
const SECONDS = flagNumber("seconds", values.seconds, { min: 1, max: 120 });
const WARMUP = flagNumber("warmup", values.warmup, { min: 0, max: 30 });
const BLOCK = flagNumber("block", values.block, { min: 0.5, max: 4 });
const TARGET = { p50: 2, p99: 10 };
const SECRET = randomBytes(16).toString("hex");
const HARD_LIMIT_MS = (2 * (WARMUP + SECONDS) + 90) * 1000;
const ROOT = fileURLToPath(new URL("../", import.meta.url));

type PathKind = "direct" | "router" | "baseline";
interface Sample {
  readonly kind: PathKind;
  /** Due time → the executor has it (NaN if it never arrived). */
  readonly deliveredMs: number;
  /** Due time → the sender's answer. */
  readonly answeredMs: number;
  readonly error: string | null;
}

const say = (line = ""): void => void process.stdout.write(`${line}\n`);
const makeDelivery = queuedDeliveries(SECRET);
let nextJobId = 70_000_000_001;
const workDir = mkdtempSync(path.join(tmpdir(), "tart-router-bench-"));
const executor = await startBenchExecutor("bench-mac", SECRET);
const router = await startRouter(executor.url, "router", ROOT, values.profile);
const baselineRoot = values["baseline-router"];
const baseline =
  baselineRoot === undefined ? null : await startRouter(executor.url, "baseline", path.resolve(baselineRoot));
const routers = baseline === null ? [router] : [router, baseline];
const KINDS: readonly PathKind[] =
  baseline === null ? ["direct", "router"] : ["direct", "router", "baseline"];
const hardLimit = setTimeout(() => {
  say(`\nbenchmark did not finish within ${HARD_LIMIT_MS / 1000} s; stopping`);
  for (const each of routers) each.kill();
  process.exit(2);
}, HARD_LIMIT_MS);
hardLimit.unref();
// The servers close a connection after 5 s idle. A path idles for two or four blocks between its
// own; closing idle sockets after 2 s leaves a wide margin for late timers on a busy machine, so a
// request never races a server-side close (ECONNRESET). Every path reconnects alike.
const target = (port: number, urlPath: string) => ({
  port,
  path: urlPath,
  agent: new Agent({ keepAlive: true, timeout: 2_000 }),
});
const targets: Record<PathKind, { port: number; path: string; agent: Agent } | undefined> = {
  direct: target(Number(new URL(executor.url).port), "/"),
  router: target(router.port, "/webhook"),
  baseline: baseline === null ? undefined : target(baseline.port, "/webhook"),
};
const LABEL: Record<PathKind, string> = { direct: "direct", router: "router", baseline: "baseline router" };

say(`router-latency — ${new Date().toISOString()}`);
say(`  ${await machineLine()}`);
say(
  `  open-loop ${RATE} deliveries/s, warm-up ${WARMUP} s per path, then ${SECONDS} s per path in ${BLOCK} s blocks (${baseline === null ? "ABBA" : "ABC CBA"})`,
);
if (baseline !== null) say(`  baseline router: ${path.resolve(baselineRoot ?? "")}`);
if (WARMUP > 0) for (const kind of KINDS) await runBlock(kind, WARMUP);
const cpuBefore = routers.map((each) => each.cpuMs());
const blocks: Array<{ kind: PathKind; samples: Sample[] }> = [];
for (let index = 0; index < Math.ceil(SECONDS / BLOCK - 1e-9); index += 1) {
  const seconds = Math.min(BLOCK, SECONDS - index * BLOCK);
  const order = index % 2 === 0 ? KINDS : [...KINDS].reverse();
  for (const kind of order) blocks.push({ kind, samples: await runBlock(kind, seconds) });
}
const samples = blocks.flatMap((block) => block.samples);
const routerCpu = routers.map((each, index) => {
  const [before, after] = [cpuBefore[index], each.cpuMs()];
  return { user: after.user - (before?.user ?? NaN), system: after.system - (before?.system ?? NaN) };
});

const of = (kind: PathKind) => samples.filter((sample) => sample.kind === kind);
const delivered = (kind: PathKind) =>
  summarize(
    of(kind)
      .filter((s) => Number.isFinite(s.deliveredMs))
      .map((s) => s.deliveredMs),
  );
const answered = (kind: PathKind) =>
  summarize(
    of(kind)
      .filter((s) => s.error === null)
      .map((s) => s.answeredMs),
  );
const direct = delivered("direct");
const routed = delivered("router");
const row = (name: string, s: ReturnType<typeof summarize>) => [
  name,
  String(s.count),
  ms(s.p50, 2),
  ms(s.p90, 2),
  ms(s.p99, 2),
  ms(s.max, 2),
];
say();
say(
  table(
    ["ms from due time", "count", "p50", "p90", "p99", "max"],
    [
      ...KINDS.map((kind) => row(`${LABEL[kind]}: executor has it`, delivered(kind))),
      ...KINDS.map((kind) => row(`${LABEL[kind]}: sender's answer (202)`, answered(kind))),
    ],
  ),
);
const addedBy = (kind: PathKind) => {
  const routedBy = delivered(kind);
  return { p50: routedBy.p50 - direct.p50, p90: routedBy.p90 - direct.p90, p99: routedBy.p99 - direct.p99 };
};
const addedLine = (label: string, a: { p50: number; p90: number; p99: number }) =>
  `${label}: p50 ${signed(a.p50, 2)} ms, p90 ${signed(a.p90, 2)} ms, p99 ${signed(a.p99, 2)} ms`;
const added = addedBy("router");
const errors = samples.filter((sample) => sample.error !== null);
say("  p99 per block, executor has it (in the order run):");
for (const kind of KINDS) {
  const p99s = blocks
    .filter((block) => block.kind === kind)
    .map((block) => ms(summarize(block.samples.map((s) => s.deliveredMs).filter(Number.isFinite)).p99, 1));
  say(`    ${`${LABEL[kind]}:`.padEnd(17)} ${p99s.join("  ")}`);
}
say();
KINDS.filter((kind) => kind !== "direct").forEach((kind, index) => {
  const cpu = routerCpu[index] ?? { user: NaN, system: NaN };
  const perDelivery = (value: number) => ms(value / of(kind).length, 3);
  say(
    `  ${LABEL[kind]} process: CPU ${perDelivery(cpu.user + cpu.system)} ms per delivery (user ${perDelivery(cpu.user)}, system ${perDelivery(cpu.system)}), over all paths' time`,
  );
});
if (errors.length > 0) say(`  errors: ${errors.length} (first: ${errors[0]?.error ?? ""})`);
if (baseline !== null) {
  const before = addedBy("baseline");
  say(addedLine("added by the baseline router", before));
  say(
    addedLine("router − baseline router", {
      p50: added.p50 - before.p50,
      p90: added.p90 - before.p90,
      p99: added.p99 - before.p99,
    }),
  );
}
say(addedLine("added by the router", added));
say(
  `target p50 < ${TARGET.p50} ms and p99 < ${TARGET.p99} ms — ${
    added.p50 < TARGET.p50 && added.p99 < TARGET.p99 && routed.count === of("router").length ? "PASS" : "FAIL"
  }`,
);
for (const each of Object.values(targets)) each?.agent.destroy();
for (const each of routers) await each.stop();
await executor.close();
rmSync(workDir, { recursive: true, force: true });
process.exit(errors.length > 0 ? 1 : 0);

/** `seconds` of open-loop load on one path; resolves when every delivery has settled. */
async function runBlock(kind: PathKind, seconds: number): Promise<Sample[]> {
  const count = Math.round(seconds * RATE);
  const start = performance.now() + 1;
  const pending: Array<Promise<Sample>> = [];
  for (let index = 0; index < count; index += 1) {
    const delivery = makeDelivery(nextJobId++);
    const due = start + (index * 1000) / RATE;
    const wait = due - performance.now();
    // setTimeout truncates fractions; round up so a request is never sent before it is due.
    if (wait > 0) await sleep(Math.ceil(wait));
    pending.push(send(kind, delivery, due));
  }
  return Promise.all(pending);
}

async function send(kind: PathKind, delivery: Delivery, due: number): Promise<Sample> {
  const id = delivery.headers["x-github-delivery"] ?? "";
  const target = targets[kind];
  if (target === undefined) throw new Error(`no ${kind} path in this run`);
  const answer = await new Promise<{ at: number; error: string | null }>((resolve) => {
    const done = (error: string | null): void => resolve({ at: performance.now(), error });
    const req = request(
      {
        host: "127.0.0.1",
        port: target.port,
        path: target.path,
        method: "POST",
        agent: target.agent,
        headers: delivery.headers,
        timeout: 10_000,
      },
      (response) => {
        response.resume();
        response.on("end", () =>
          done(response.statusCode === 202 ? null : `HTTP ${response.statusCode ?? "?"}`),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer within 10 s")));
    req.on("error", (error) => done(error.message));
    req.end(delivery.body);
  });
  // A forward may land after the router's 202 (which waits for its fsync) or before it.
  const deadline = performance.now() + 10_000;
  while (!executor.arrivals.has(id) && performance.now() < deadline) await sleep(1);
  const arrived = executor.arrivals.get(id);
  executor.arrivals.delete(id);
  return {
    kind,
    deliveredMs: arrived === undefined ? Number.NaN : arrived - due,
    answeredMs: answer.at - due,
    error: answer.error,
  };
}

/** The `tart-router` CLI of the source tree `root`, forwarding to the bench executor. */
async function startRouter(executorUrl: string, name: string, root: string, profileDir?: string) {
  const port = await freePort();
  const config = path.join(workDir, `${name}.yaml`);
  const lines = [`hostname: bench-${name}`, "labels: tartelet", "host: 127.0.0.1", `port: ${port}`];
  lines.push(
    `stateDirectory: ${path.join(workDir, `${name}-state`)}`,
    "hosts:",
    "  - hostname: bench-mac",
    `    url: ${executorUrl}`,
    "    priority: 0",
  );
  writeFileSync(config, lines.join("\n"));
  const child = spawn(
    process.execPath,
    [
      ...(profileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${path.resolve(profileDir)}`]),
      "--import",
      "tsx",
      path.join(root, "src/cli/tart-router.ts"),
      "--config",
      config,
    ],
    {
      env: { ...process.env, TART_ROUTER_WEBHOOK_SECRET: SECRET },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  // Ready once it has seen the executor up, so the first deliveries are forwarded, not queued.
  while (!(await hostUp(url))) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`tart-router (${name}) did not start`);
    await sleep(50);
  }
  return {
    port,
    kill: () => child.kill("SIGKILL"),
    stop: () => new Promise((resolve) => (child.once("exit", resolve), child.kill("SIGTERM"))),
    /** User and system CPU of the router process, from /proc (NaN where there is none). */
    cpuMs: (): { user: number; system: number } => {
      try {
        const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
        return { user: (Number(fields[11]) * 1000) / 100, system: (Number(fields[12]) * 1000) / 100 };
      } catch {
        return { user: Number.NaN, system: Number.NaN };
      }
    },
  };
}

async function hostUp(url: string): Promise<boolean> {
  try {
    const status = (await (await fetch(`${url}/status`)).json()) as { hosts: Array<{ up: boolean }> };
    return status.hosts[0]?.up === true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address !== null ? address.port : 0;
}
