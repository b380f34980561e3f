/**
 * The download part of a pull, with tart's stdout: `pulling disk (25.3 GB compressed)...`, percent
 * lines (at most one a second, no repeats), `pulling NVRAM...`. Durations come from
 * `delays.pullMs` plus the `pullSlow` fault; `pullHang` never finishes; `pullNetworkError` makes
 * attempts fail with tart's retry message (5 attempts at most).
 */
import { fireFault } from "../../faults.js";
import type { TartContext } from "../context.js";
import { TartFailure } from "../cli/errors.js";
import { sleep } from "../io/sleep.js";
import { fireExtraFault } from "../state/sim-extras.js";
import { imageFilesSeeded } from "./seed-image.js";
import type { ProgressLogger } from "./progress-logger.js";
import type { RegistryImage } from "./remote-image.js";

const MAX_ATTEMPTS = 5;
const NETWORK_LOST = "The network connection was lost.";

export async function downloadImage(
  ctx: TartContext,
  dir: string,
  entry: RegistryImage,
  log: ProgressLogger,
): Promise<void> {
  const config = ctx.config();
  const subject = entry.reference;
  const failures = fireExtraFault(ctx.simDir, ctx.extras(), "pullNetworkError", subject)?.failures ?? 0;
  const hang = fireFault(ctx.simDir, config, "pullHang", subject) !== undefined;
  const durationMs = config.delays.pullMs + (fireFault(ctx.simDir, config, "pullSlow", subject)?.ms ?? 0);
  const sizeText = `pulling disk (${entry.image.compressedGB.toFixed(1)} GB compressed)...`;
  for (let attempt = 1; ; attempt++) {
    log.appendNewLine(sizeText);
    log.appendNewLine("0%");
    if (attempt > failures) break;
    if (attempt === MAX_ATTEMPTS) throw new TartFailure(NETWORK_LOST);
    ctx.out.line(`Error pulling image: "${NETWORK_LOST}", attempting to re-try...`);
  }
  if (hang) await sleep(2 ** 31 - 1, ctx.cancel);
  await showProgress(ctx, durationMs, log);
  log.appendNewLine("pulling NVRAM...");
  await imageFilesSeeded(ctx, dir, entry);
}

/** Spreads the download over `durationMs`, rendering a new percentage at most once a second. */
async function showProgress(ctx: TartContext, durationMs: number, log: ProgressLogger): Promise<void> {
  const started = Date.now();
  let last = "0%";
  let lastRendered = started;
  while (Date.now() - started < durationMs) {
    await sleep(Math.min(250, durationMs - (Date.now() - started)), ctx.cancel);
    const now = Date.now();
    const line = `${Math.min(100, Math.floor((100 * (now - started)) / durationMs))}%`;
    if (now - lastRendered >= 1000 && line !== last) {
      log.updateLastLine(line);
      last = line;
      lastRendered = now;
    }
  }
  if (last !== "100%") log.updateLastLine("100%");
}
