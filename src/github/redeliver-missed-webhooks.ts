/**
 * GitHub does not retry failed deliveries (github-api.md §1.3). At start a daemon asks it for the
 * App's `workflow_job` deliveries since `sinceMs` that never got a 2xx — those sent while it was
 * down or full — and asks for each to be delivered again. Deliveries the daemon already has
 * (`seen`, by GUID: the executor's ledger, the router's queue) are skipped. Never throws:
 * failures are logged.
 */
import type { Logger } from "pino";
import type { GitHubAppClient } from "./github-app-client.js";

/** How far back a daemon looks for failed deliveries at most (GitHub keeps them 3 days). */
export const REDELIVERY_WINDOW_MS = 6 * 3600_000;

export interface RedeliveryOutcome {
  /** Deliveries GitHub was asked to send again. */
  readonly redelivered: number;
  /** False when GitHub could not be asked for the failed deliveries, or for one of them again. */
  readonly complete: boolean;
}

export async function redeliverMissedWebhooks(deps: {
  github: Pick<GitHubAppClient, "failedDeliveries" | "redeliver">;
  seen: (guid: string) => boolean;
  sinceMs: number;
  log: Logger;
}): Promise<RedeliveryOutcome> {
  let missed;
  try {
    missed = (await deps.github.failedDeliveries(deps.sinceMs)).filter(
      (delivery) => !deps.seen(delivery.guid),
    );
  } catch (error) {
    deps.log.warn({ err: error }, "could not recover missed webhook deliveries");
    return { redelivered: 0, complete: false };
  }
  const asked: string[] = [];
  for (const delivery of missed) {
    try {
      await deps.github.redeliver(delivery.id);
      asked.push(delivery.guid);
    } catch (error) {
      deps.log.warn({ err: error, delivery: delivery.guid }, "could not ask GitHub to redeliver a webhook");
    }
  }
  if (asked.length > 0)
    deps.log.info({ count: asked.length, deliveries: asked }, "asked GitHub to redeliver missed webhooks");
  return { redelivered: asked.length, complete: asked.length === missed.length };
}
