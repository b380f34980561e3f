/**
 * GitHub does not retry failed deliveries (github-api.md §1.3). At start we ask it for the App's
 * `workflow_job` deliveries of the last hours that never got a 2xx — those sent while we were down
 * or full — and ask for each to be delivered again. Deliveries the ledger already has are skipped.
 */
import type { Logger } from "pino";
import type { GitHubClient } from "../github/github-client.js";
import type { Ledger } from "./model.js";

export async function redeliverMissedWebhooks(deps: {
  github: Pick<GitHubClient, "failedDeliveries" | "redeliver">;
  ledger: Ledger;
  sinceMs: number;
  log: Logger;
}): Promise<number> {
  try {
    const seen = new Set([...deps.ledger.jobs.values()].flatMap((job) => job.deliveries));
    const missed = (await deps.github.failedDeliveries(deps.sinceMs)).filter(
      (delivery) => !seen.has(delivery.guid),
    );
    for (const delivery of missed) await deps.github.redeliver(delivery.id);
    if (missed.length > 0)
      deps.log.info({ count: missed.length }, "asked GitHub to redeliver missed webhooks");
    return missed.length;
  } catch (error) {
    deps.log.warn({ err: error }, "could not recover missed webhook deliveries");
    return 0;
  }
}
