/**
 * `npm run demo`: tart-executor against the built-in simulation — a simulated Mac (tart, VMs
 * reachable over real SSH, the runner stand-in) and a fake GitHub — replaying a realistic mix of
 * jobs, then printing each job's timeline and a summary. No Mac, no network. Exits non-zero if
 * anything did not end as it should.
 */
import { createWriteStream, readFileSync } from "node:fs";
import path from "node:path";
import { startExecutorDaemon } from "../../cli/executor-daemon.js";
import { loadExecutorConfig } from "../../config/index.js";
import { jobKey } from "../../executor/model.js";
import { createLogger } from "../../observability/logger.js";
import { Tart } from "../../tart/tart.js";
import { IMAGE_WITH_RUNNER, SIM_ORG, simTartExecutable, startSimWorld } from "../world/sim-world.js";
import { DEMO_JOBS } from "./demo-scenario.js";
import { formatTimeline } from "./format-timeline.js";
import { runScaleSetDemo } from "./scaleset-demo.js";

// `npm run demo -- --scaleset`: jobs from a runner scale set instead of webhooks.
if (process.argv.includes("--scaleset")) process.exit(await runScaleSetDemo());

const say = (line = ""): void => void process.stdout.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const world = await startSimWorld({
  sim: {
    delays: { pullMs: 1500, cloneMs: 300, bootMs: 800, sshReadyMs: 300, shutdownMs: 200, ipPollMs: 200 },
  },
});
const logFile = path.join(world.root, "tart-executor.log");
const configFile = world.writeExecutorConfig(0, {
  tart: { images: { aliases: { xcode: IMAGE_WITH_RUNNER } } },
  timeouts: { idle: 5 },
});
const config = loadExecutorConfig(configFile, {
  env: {},
  homedir: world.root,
  readFile: (f) => readFileSync(f, "utf8"),
});
const log = createLogger({ level: "info", pretty: false, destination: createWriteStream(logFile) });
let failed = false;
try {
  const daemon = await startExecutorDaemon({
    config,
    tartExecutable: simTartExecutable,
    privateKeyPem: readFileSync(world.privateKeyPath, "utf8"),
    env: { PATH: process.env["PATH"] ?? "", HOME: world.root },
    log,
  });
  say("tart-executor demo — everything below runs on the built-in simulation (no Mac, no network)");
  say(
    `  executor ${daemon.url} · ${config.tart.numberOfVirtualMachines} VM slots · fake GitHub ${world.github.url}`,
  );
  say(`  GitHub App webhooks are signed; logs: ${logFile}`);
  say();
  const startedAt = Date.now();
  // Measured, not assumed: the most VMs that ever existed at once.
  let peakVms = 0;
  const sampler = setInterval(() => (peakVms = Math.max(peakVms, daemon.executor.ledger.vms.size)), 20);
  const handles = DEMO_JOBS.map(async (job) => {
    await sleep(job.at * 1000);
    const handle = world.github.dispatcher.enqueueJob({
      repo: `${SIM_ORG}/app`,
      labels: job.labels,
      durationMs: job.durationMs,
      name: job.title,
      ...(job.duplicateDelivery === true ? { delivery: { duplicate: "same-guid" as const } } : {}),
    });
    say(
      `${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)}s queued   ${job.title}  [${job.labels.join(", ")}]`,
    );
    if (job.cancelAfter !== undefined) {
      await sleep(job.cancelAfter * 1000);
      world.github.dispatcher.cancelJob(handle.id);
      say(`${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)}s cancel   ${job.title}`);
    }
    return { job, handle };
  });
  const queued = await Promise.all(handles);
  for (const { job, handle } of queued) {
    if (job.expect === "ignored") continue;
    const view = await handle.settled(120_000);
    say(
      `${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)}s ${view.conclusion?.padEnd(8)} ${job.title}`,
    );
  }
  for (let waited = 0; daemon.executor.ledger.vms.size > 0 && waited < 60_000; waited += 200)
    await sleep(200);
  clearInterval(sampler);

  say();
  say("Timelines (seconds since the first job was queued):");
  for (const { job, handle } of queued) {
    const key = jobKey(handle.repo, handle.id, handle.runAttempt);
    if (job.expect === "ignored") {
      say(`  ${job.title}\n      not ours: answered 202 and ignored (labels ${job.labels.join(", ")})`);
      continue;
    }
    say(formatTimeline(job.title, daemon.timelines.get(key), startedAt));
  }

  const problems: string[] = [];
  for (const { job, handle } of queued) {
    const view = handle.view();
    if (
      job.expect === "served" &&
      (view.conclusion !== "success" || !(view.runner?.name ?? "").startsWith("tart-executor-"))
    )
      problems.push(
        `${job.title}: expected to run on one of our VMs, got ${view.status}/${view.conclusion ?? "-"}`,
      );
    if (job.expect === "cancelled" && view.conclusion !== "cancelled")
      problems.push(`${job.title}: not cancelled`);
    if (
      job.expect === "ignored" &&
      daemon.executor.ledger.jobs.has(jobKey(handle.repo, handle.id, handle.runAttempt))
    )
      problems.push(`${job.title}: should have been ignored`);
  }
  const tart = new Tart({
    executable: simTartExecutable,
    env: { PATH: process.env["PATH"] ?? "", TART_HOME: world.tartHome },
  });
  const vmsLeft = (await tart.listLocal()).filter((vm) => vm.name.startsWith("tart-executor-"));
  const runnersLeft = world.github.runners(SIM_ORG);
  if (vmsLeft.length > 0) problems.push(`VMs left behind: ${vmsLeft.map((vm) => vm.name).join(", ")}`);
  if (runnersLeft.length > 0)
    problems.push(`runner registrations left: ${runnersLeft.map((r) => r.name).join(", ")}`);
  const deliveries = world.github.deliveries().filter((delivery) => delivery.event === "workflow_job");
  const duplicates = deliveries.filter((delivery) => delivery.duplicate).length;
  const answers = new Set(deliveries.map((delivery) => delivery.statusCode));
  if (peakVms > config.tart.numberOfVirtualMachines) problems.push(`${peakVms} VMs at once, over the limit`);
  if ([...answers].some((code) => code !== 202))
    problems.push(`unexpected webhook answers: ${[...answers].join(", ")}`);
  const served = queued.filter(({ handle }) => handle.view().conclusion === "success").length;
  say();
  say("Summary");
  say(`  jobs queued ${queued.length} · served on fresh VMs ${served} · cancelled 1 · not ours 1`);
  say(`  webhook deliveries ${deliveries.length} (${duplicates} duplicated on purpose), all answered 202`);
  say(`  most VMs at once ${peakVms} (limit ${config.tart.numberOfVirtualMachines})`);
  say(`  left behind: ${vmsLeft.length} VMs, ${runnersLeft.length} runner registrations`);
  say(`  wall time ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  if (problems.length > 0) {
    failed = true;
    say();
    say("PROBLEMS");
    for (const problem of problems) say(`  ${problem}`);
    say(`  see ${logFile}`);
  } else {
    say("  OK: every matching job ran on its own fresh VM, and nothing was left behind.");
  }
  // The Linux job stays queued at GitHub (no runner of ours matches it); end it so the demo exits cleanly.
  for (const { job, handle } of queued)
    if (job.expect === "ignored") world.github.dispatcher.cancelJob(handle.id);
  await daemon.close("demo finished");
} catch (error) {
  failed = true;
  say(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  say(`  logs: ${logFile}`);
} finally {
  if (!failed) await world.close();
}
process.exit(failed ? 1 : 0);
