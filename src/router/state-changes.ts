/**
 * Turns what an event changed into log lines, once: a host going down or coming
 * back, a job found undeliverable, later events dropped from a full outbox. Replays never pass
 * through here, so each is reported when it happens and not again after a restart.
 */
import type { Logger } from "pino";
import type { RouterState } from "./router-model.js";

export function reportChanges(
  before: RouterState,
  after: RouterState,
  touched: { readonly job?: string; readonly host?: string },
  log: Logger,
): void {
  if (touched.job !== undefined) {
    const was = before.jobs.get(touched.job);
    const job = after.jobs.get(touched.job);
    if (job !== undefined && job.undeliverable !== null && was?.undeliverable == null) {
      log.warn(
        { job: job.key, url: job.htmlUrl, labels: job.labels, reason: job.undeliverable },
        "job is undeliverable: no executor can ever take it",
      );
    }
  }
  const hostnames = touched.host === undefined ? [...after.hosts.keys()] : [touched.host];
  for (const hostname of hostnames) {
    const was = before.hosts.get(hostname);
    const host = after.hosts.get(hostname);
    if (was === undefined || host === undefined || was === host) continue;
    if (was.up && !host.up)
      log.warn(
        { host: hostname, retryAt: new Date(host.retryAt).toISOString() },
        "executor is down; its queued jobs move elsewhere if it stays down",
      );
    if (!was.up && host.up)
      log.info({ host: hostname, freeSlots: host.capacity?.freeSlots ?? null }, "executor is up");
    if (host.outboxDropped > was.outboxDropped)
      log.warn(
        { host: hostname, dropped: host.outboxDropped - was.outboxDropped },
        "outbox full: oldest undelivered events for a down executor dropped",
      );
  }
}
