/**
 * Which jobs get a VM, end to end: labels compared case-insensitively, GitHub's default
 * self-hosted labels tolerated, image aliases, the image allow-list (one warning per job, naming
 * its URL) and jobs naming two images (a warning, no VM).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  diagnoseFailures,
  IMAGE_WITH_RUNNER,
  IMAGE_WITHOUT_RUNNER,
  sleep,
  startE2eWorld,
  waitFor,
  type E2eWorld,
} from "../../helpers/e2e-world.js";
import type { ExecutorProcess } from "../../helpers/executor-process.js";

// One executor for the whole file; a loaded host stretches VM lives, so limits are generous.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let world: E2eWorld;
let executor: ExecutorProcess;

diagnoseFailures(() => world);

beforeAll(async () => {
  world = await startE2eWorld();
  await world.prePull(IMAGE_WITH_RUNNER);
  executor = await world.startExecutor({
    logging: { level: "debug" },
    tart: { images: { allow: ["ghcr.io/cirruslabs/*"], aliases: { xcode: IMAGE_WITH_RUNNER } } },
  });
});

afterAll(async () => {
  await world?.close();
});

const clonesOf = (image: string): number =>
  world.commands().filter((command) => command.argv[0] === "clone" && command.argv[1] === image).length;

const jobUrl = (runId: number, jobId: number): string =>
  `${world.github.url}/acme/app/actions/runs/${runId}/job/${jobId}`;

describe("matching jobs to images", () => {
  it("serves jobs whatever the labels' case, with self-hosted, macOS and ARM64 tolerated, and through an alias", async () => {
    const upperCase = world.queue(["TARTELET", "self-hosted", "macOS", "ARM64", IMAGE_WITH_RUNNER]);
    const alias = world.queue(["Tartelet", "XCode"]);
    const [first, second] = await Promise.all([upperCase.settled(40_000), alias.settled(40_000)]);
    expect(first.conclusion).toBe("success");
    expect(second.conclusion).toBe("success");
    expect(first.runner?.name).toMatch(/^tart-executor-mini-1-/);
    expect(second.runner?.name).toMatch(/^tart-executor-mini-1-/);
    // The alias resolved to the image it stands for; no VM of a made-up "XCode" image.
    expect(clonesOf(IMAGE_WITH_RUNNER)).toBe(2);
    expect(world.commands().filter((command) => command.argv[0] === "clone")).toHaveLength(2);
    await waitFor(
      () => executor.logs().filter((line) => line.msg === "vm deleted").length === 2,
      15_000,
      "both VMs deleted",
    );
  });

  it("warns once, naming the job's URL, about an image outside the allow-list, and starts no VM", async () => {
    const forbidden = "docker.io/someone/macos-mining:latest";
    const job = world.queue(["tartelet", forbidden]);
    const warning = await executor.waitForLog(
      (line) => line.level === "warn" && line["githubJob"] === job.id,
      10_000,
      "the allow-list warning",
    );
    expect(warning.msg).toBe("ignoring job that cannot be matched");
    expect(warning["url"]).toBe(jobUrl(job.runId, job.id));
    expect(String(warning["reason"])).toContain("not allowed by tart.images.allow");

    // GitHub delivers the same job again (a redelivery): answered, but no second warning.
    await world.github.dispatcher.deliveriesIdle();
    const delivery = world.github.deliveries().find((d) => d.jobId === job.id);
    expect(delivery?.statusCode).toBe(202);
    const again = world.github.dispatcher.redeliver(delivery?.id ?? -1);
    await world.github.dispatcher.deliveriesIdle();
    expect(again?.statusCode).toBe(202);
    await sleep(300);
    expect(
      executor.logs().filter((line) => line.level === "warn" && line["githubJob"] === job.id),
    ).toHaveLength(1);
    expect(world.commands().filter((command) => command.argv[1] === forbidden)).toEqual([]);
    world.github.dispatcher.cancelJob(job.id);
  });

  it("warns about a job that names two images and starts no VM for it", async () => {
    const clonesBefore = world.commands().filter((command) => command.argv[0] === "clone").length;
    const job = world.queue(["tartelet", IMAGE_WITH_RUNNER, IMAGE_WITHOUT_RUNNER]);
    const warning = await executor.waitForLog(
      (line) => line.level === "warn" && line["githubJob"] === job.id,
      10_000,
      "the ambiguous-labels warning",
    );
    expect(warning["url"]).toBe(jobUrl(job.runId, job.id));
    expect(String(warning["reason"])).toMatch(/exactly one image label, found 2/);
    await sleep(500);
    expect(world.commands().filter((command) => command.argv[0] === "clone")).toHaveLength(clonesBefore);
    expect(job.view().status).toBe("queued");
    world.github.dispatcher.cancelJob(job.id);
  });
});
