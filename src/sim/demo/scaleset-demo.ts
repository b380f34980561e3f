/**
 * `npm run demo -- --scaleset`: the same simulated Mac, but jobs come from a runner scale set's
 * message queue on the fake Actions service — no webhook at all. Returns the exit code.
 */
import { createWriteStream, readFileSync } from "node:fs";
import path from "node:path";
import { startExecutorDaemon } from "../../cli/executor-daemon.js";
import { loadExecutorConfig } from "../../config/index.js";
import { jobKey } from "../../executor/model.js";
import { createLogger } from "../../observability/logger.js";
import { Tart } from "../../tart/tart.js";
import { startFakeActionsService } from "../actions-service/actions-service.js";
import { IMAGE_WITH_RUNNER, SIM_ORG, simTartExecutable, startSimWorld } from "../world/sim-world.js";
import { formatTimeline } from "./format-timeline.js";

const say = (line = ""): void => void process.stdout.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const LABELS = ["tartelet", IMAGE_WITH_RUNNER];
const JOBS = [
  { title: "build", durationMs: 1500 },
  { title: "unit tests", durationMs: 2500 },
  { title: "ui tests", durationMs: 2000 },
  { title: "archive", durationMs: 1000 },
];

export async function runScaleSetDemo(): Promise<number> {
  const world = await startSimWorld({
    sim: { delays: { cloneMs: 300, bootMs: 800, sshReadyMs: 300, shutdownMs: 200, ipPollMs: 200 } },
  });
  const service = await startFakeActionsService({ github: world.github, pollWaitMs: 2000 });
  const logFile = path.join(world.root, "tart-executor.log");
  const configFile = world.writeExecutorConfig(0, {
    github: {
      jobSource: "scaleset",
      webhookSecret: undefined,
      scaleSet: { name: "demo-mac", labels: LABELS },
    },
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
    say(
      "tart-executor demo, scale-set mode — no webhook: the executor long-polls the (fake) Actions service",
    );
    say(
      `  executor ${daemon.url} · ${config.tart.numberOfVirtualMachines} VM slots · Actions service ${service.url}`,
    );
    say(`  logs: ${logFile}`);
    say();
    for (let waited = 0; service.scaleSets()[0]?.session === undefined && waited < 20_000; waited += 100)
      await sleep(100);
    say(`scale set "${service.scaleSets()[0]?.name ?? "?"}" created, session open`);
    const startedAt = Date.now();
    const jobs = JOBS.map((job) => {
      const queued = service.enqueueJob({
        repo: `${SIM_ORG}/app`,
        labels: LABELS,
        durationMs: job.durationMs,
        name: job.title,
      });
      say(
        `${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)}s queued   ${job.title}  [${LABELS.join(", ")}]`,
      );
      return { job, queued };
    });
    for (let waited = 0; jobs.some((j) => j.queued.state !== "completed") && waited < 120_000; waited += 100)
      await sleep(100);
    for (const { job, queued } of jobs)
      say(`  ${job.title}: ${queued.conclusion ?? queued.state} on ${queued.runnerName ?? "-"}`);
    for (let waited = 0; daemon.executor.ledger.vms.size > 0 && waited < 60_000; waited += 200)
      await sleep(200);
    say();
    say("Timelines (seconds since the first job was queued):");
    for (const { job, queued } of jobs)
      say(
        formatTimeline(
          job.title,
          daemon.timelines.get(jobKey(`${SIM_ORG}/app`, queued.runnerRequestId, 1)),
          startedAt,
        ),
      );
    const tart = new Tart({
      executable: simTartExecutable,
      env: { PATH: process.env["PATH"] ?? "", TART_HOME: world.tartHome },
    });
    const vmsLeft = (await tart.listLocal()).filter((vm) => vm.name.startsWith("tart-executor-"));
    const problems: string[] = [];
    for (const { job, queued } of jobs)
      if (queued.conclusion !== "Succeeded" || !(queued.runnerName ?? "").startsWith("tart-executor-"))
        problems.push(`${job.title}: ${queued.state}/${queued.conclusion ?? "-"}`);
    if (vmsLeft.length > 0) problems.push(`VMs left behind: ${vmsLeft.map((vm) => vm.name).join(", ")}`);
    if (service.runners().length > 0) problems.push(`scale-set runners left: ${service.runners().length}`);
    if (world.github.deliveries().length > 0) problems.push("a webhook was delivered");
    say();
    say("Summary");
    say(
      `  jobs ${jobs.length} · served ${jobs.filter((j) => j.queued.conclusion === "Succeeded").length} · webhooks 0`,
    );
    say(
      `  messages acknowledged ${service.acks().length} · left behind: ${vmsLeft.length} VMs, ${service.runners().length} runners`,
    );
    if (problems.length > 0) {
      failed = true;
      say("PROBLEMS");
      for (const problem of problems) say(`  ${problem}`);
    } else
      say(
        "  OK: every job came from the scale set's queue and ran on its own fresh VM; nothing was left behind.",
      );
    await daemon.close("demo finished");
  } catch (error) {
    failed = true;
    say(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    say(`  logs: ${logFile}`);
  } finally {
    await service.close();
    if (!failed) await world.close();
  }
  return failed ? 1 : 0;
}
