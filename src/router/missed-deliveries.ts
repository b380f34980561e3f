/**
 * Jobs queued while the router was down: GitHub recorded their deliveries as failed and never
 * retries them by itself. At start the router asks GitHub (as the App) for the `workflow_job`
 * deliveries that failed since it was last alive, at most REDELIVERY_WINDOW_MS back, and has those
 * its state does not hold sent again.
 *
 * When it was last alive is kept in `router.alive.json` in the state directory, refreshed every
 * minute and at shutdown — but only once the recovery at start has gone through, so a router that
 * dies again before that (or cannot reach GitHub) looks back as far the next time.
 */
import { readFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import type { GitHubAppClient } from "../github/github-app-client.js";
import { REDELIVERY_WINDOW_MS, redeliverMissedWebhooks } from "../github/redeliver-missed-webhooks.js";
import type { RouterState } from "./router-model.js";

export const LAST_ALIVE_FILE = "router.alive.json";
/** How far back to look at most (GitHub keeps deliveries 3 days; the executor looks back as far). */
const LAST_ALIVE_INTERVAL_MS = 60_000;
/** GitHub's `delivered_at` has whole seconds and comes from GitHub's clock, not ours. */
const CLOCK_SLACK_MS = 5 * 60_000;

/** When the router was last known to be running, or null (first start, or an unreadable file). */
export function readLastAlive(stateDirectory: string): number | null {
  try {
    const { at } = JSON.parse(readFileSync(path.join(stateDirectory, LAST_ALIVE_FILE), "utf8")) as {
      at?: unknown;
    };
    return typeof at === "number" && Number.isFinite(at) ? at : null;
  } catch {
    return null;
  }
}

/** Write-then-rename, so a crash leaves the old time or the new one, never half a file. */
export async function writeLastAlive(stateDirectory: string, at: number): Promise<void> {
  const file = path.join(stateDirectory, LAST_ALIVE_FILE);
  await writeFile(`${file}.tmp`, `${JSON.stringify({ at, time: new Date(at).toISOString() })}\n`);
  await rename(`${file}.tmp`, file);
}

/** The oldest delivery time worth asking about. */
export function recoverySince(lastAlive: number | null, now: number): number {
  const oldest = now - REDELIVERY_WINDOW_MS;
  return lastAlive === null ? oldest : Math.max(oldest, lastAlive - CLOCK_SLACK_MS);
}

/** Every delivery GUID the router's state remembers (its jobs keep their recent ones). */
export function knownDeliveries(state: RouterState): Set<string> {
  const ids = new Set<string>();
  for (const job of state.jobs.values()) for (const id of job.deliveryIds) ids.add(id);
  return ids;
}

export interface MissedDeliveryRecovery {
  /** How many deliveries GitHub was asked to send again (0 without App credentials). */
  readonly redelivered: Promise<number>;
  /** Stops refreshing the last-alive time, recording it one last time if the recovery went through. */
  stop(): Promise<void>;
}

export function startMissedDeliveryRecovery(deps: {
  readonly stateDirectory: string;
  /** readLastAlive() from before this start. */
  readonly lastAlive: number | null;
  /** null when tart-router.yaml has no `github` section. */
  readonly github: Pick<GitHubAppClient, "failedDeliveries" | "redeliver"> | null;
  readonly state: () => RouterState;
  readonly clock: Clock;
  readonly log: Logger;
}): MissedDeliveryRecovery {
  const { log } = deps;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  // One write at a time: they share the temporary file.
  let writing = Promise.resolve();
  const record = (): Promise<void> =>
    (writing = writing
      .then(() => writeLastAlive(deps.stateDirectory, deps.clock.now()))
      .catch((error: unknown) =>
        log.warn({ err: error, stateDirectory: deps.stateDirectory }, "could not record the last-alive time"),
      ));
  const keepRecording = (): void => {
    if (stopped) return;
    void record();
    timer = setInterval(() => void record(), LAST_ALIVE_INTERVAL_MS);
    timer.unref();
  };

  let redelivered: Promise<number>;
  if (deps.github === null) {
    log.warn(
      "no GitHub App configured: jobs queued while tart-router was down cannot be recovered " +
        "(GitHub does not retry failed deliveries); set github.appId and github.privateKey " +
        "(and github.apiUrl for GitHub Enterprise Server) in tart-router.yaml, as in tart-executor.yaml",
    );
    keepRecording();
    redelivered = Promise.resolve(0);
  } else {
    const sinceMs = recoverySince(deps.lastAlive, deps.clock.now());
    log.debug(
      { since: new Date(sinceMs).toISOString(), lastAlive: deps.lastAlive },
      "looking for webhook deliveries missed while tart-router was down",
    );
    let known: Set<string> | undefined;
    redelivered = redeliverMissedWebhooks({
      github: deps.github,
      // Built once, when GitHub has answered: the state as it is then.
      seen: (guid) => (known ??= knownDeliveries(deps.state())).has(guid),
      sinceMs,
      log,
    }).then((outcome) => {
      if (outcome.complete) keepRecording();
      return outcome.redelivered;
    });
  }

  return {
    redelivered,
    async stop() {
      stopped = true;
      if (timer === null) return;
      clearInterval(timer);
      timer = null;
      await record();
    },
  };
}
