/**
 * The latency tart-router adds over delivering straight to an executor, both measured in one run.
 *
 *   npx tsx bench/router-latency.ts [--rate 200] [--seconds 10] [--warmup 1] [--block 2.5]
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
  },
});
const RATE = flagNumber("rate", values.rate, { min: 1, max: 2000 });
const SECONDS = flagNumber("seconds", values.seconds, { min: 1, max: 120 });
const WARMUP = flagNumber("warmup", values.warmup, { min: 0, max: 30 });
// Below the servers' 5 s keep-alive timeout, so an idle path never drops the client's sockets.
const BLOCK = flagNumber("block", values.block, { min: 0.5, max: 4 });
const TARGET = { p50: 2, p99: 10 };
const SECRET = randomBytes(16).toString("hex");
const HARD_LIMIT_MS = (2 * (WARMUP + SECONDS) + 90) * 1000;
const ROOT = fileURLToPath(new URL("../", import.meta.url));

type PathKind = "direct" | "router";
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
const router = await startRouter(executor.url);
const hardLimit = setTimeout(() => {
  say(`\nbenchmark did not finish within ${HARD_LIMIT_MS / 1000} s; stopping`);
  router.kill();
  process.exit(2);
}, HARD_LIMIT_MS);
hardLimit.unref();
const targets: Record<PathKind, { port: number; path: string; agent: Agent }> = {
  direct: { port: Number(new URL(executor.url).port), path: "/", agent: new Agent({ keepAlive: true }) },
  router: { port: router.port, path: "/webhook", agent: new Agent({ keepAlive: true }) },
};

say(`router-latency — ${new Date().toISOString()}`);
say(`  ${await machineLine()}`);
say(
  `  open-loop ${RATE} deliveries/s, warm-up ${WARMUP} s per path, then ${SECONDS} s per path in ${BLOCK} s blocks (ABBA)`,
);
if (WARMUP > 0) for (const kind of ["direct", "router"] as const) await runBlock(kind, WARMUP);
const cpuBefore = router.cpuMs();
const samples: Sample[] = [];
for (let index = 0; index < Math.ceil(SECONDS / BLOCK - 1e-9); index += 1) {
  const seconds = Math.min(BLOCK, SECONDS - index * BLOCK);
  const order: PathKind[] = index % 2 === 0 ? ["direct", "router"] : ["router", "direct"];
  for (const kind of order) samples.push(...(await runBlock(kind, seconds)));
}
const cpuAfter = router.cpuMs();
const routerCpu = { user: cpuAfter.user - cpuBefore.user, system: cpuAfter.system - cpuBefore.system };

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
const [direct, routed] = [delivered("direct"), delivered("router")];
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
      row("direct: executor has it", direct),
      row("router: executor has it", routed),
      row("direct: sender's answer (202)", answered("direct")),
      row("router: sender's answer (202)", answered("router")),
    ],
  ),
);
const added = { p50: routed.p50 - direct.p50, p90: routed.p90 - direct.p90, p99: routed.p99 - direct.p99 };
const errors = samples.filter((sample) => sample.error !== null);
say();
const perDelivery = (value: number) => ms(value / of("router").length, 3);
say(
  `  router process: CPU ${perDelivery(routerCpu.user + routerCpu.system)} ms per delivery (user ${perDelivery(routerCpu.user)}, system ${perDelivery(routerCpu.system)}), over both paths' time`,
);
if (errors.length > 0) say(`  errors: ${errors.length} (first: ${errors[0]?.error ?? ""})`);
say(
  `added by the router: p50 ${signed(added.p50, 2)} ms, p90 ${signed(added.p90, 2)} ms, p99 ${signed(added.p99, 2)} ms`,
);
say(
  `target p50 < ${TARGET.p50} ms and p99 < ${TARGET.p99} ms — ${
    added.p50 < TARGET.p50 && added.p99 < TARGET.p99 && routed.count === of("router").length ? "PASS" : "FAIL"
  }`,
);
for (const target of Object.values(targets)) target.agent.destroy();
await router.stop();
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

async function startRouter(executorUrl: string) {
  const port = await freePort();
  const config = path.join(workDir, "tart-router.yaml");
  const lines = ["hostname: bench-router", "labels: tartelet", "host: 127.0.0.1", `port: ${port}`];
  lines.push(
    `stateDirectory: ${path.join(workDir, "state")}`,
    "hosts:",
    "  - hostname: bench-mac",
    `    url: ${executorUrl}`,
    "    priority: 0",
  );
  writeFileSync(config, lines.join("\n"));
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(ROOT, "src/cli/tart-router.ts"), "--config", config],
    {
      env: { ...process.env, TART_ROUTER_WEBHOOK_SECRET: SECRET },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  // Ready once it has seen the executor up, so the first deliveries are forwarded, not queued.
  while (!(await hostUp(url))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("tart-router did not start");
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
