/**
 * Small duties of the original's `webhook.localUrl`, `webhook.routerUrl` and `tart.homeFolder`:
 * - `localUrl`: one GET at start, so macOS shows its Local Network permission prompt right away
 *   instead of failing the first job's SSH connection;
 * - `routerUrl`: `POST {routerUrl}/runner` at start and after every VM ends, so the router
 *   refreshes this host's capacity at once;
 * - `homeFolder`: listed once at start, so macOS asks for removable-volume access up front.
 * All are best effort: failures are logged at debug level and never stop the executor.
 */
import { readdirSync } from "node:fs";
import type { Logger } from "pino";

export function touchHomeFolder(homeFolder: string | undefined, log: Logger): void {
  if (homeFolder === undefined) return;
  try {
    readdirSync(homeFolder);
  } catch (error) {
    log.warn({ homeFolder, err: error }, "cannot list tart.homeFolder; allow access when macOS asks");
  }
}

export function pingLocalUrl(localUrl: string | undefined, log: Logger): void {
  if (localUrl === undefined) return;
  fetch(localUrl, { signal: AbortSignal.timeout(5000) })
    .then((response) => response.body?.cancel())
    .catch((error: unknown) => log.debug({ err: error, localUrl }, "webhook.localUrl did not answer"));
}

export function nudgeRouter(routerUrl: string | undefined, log: Logger): void {
  if (routerUrl === undefined) return;
  fetch(`${routerUrl}/runner`, { method: "POST", signal: AbortSignal.timeout(5000) })
    .then((response) => response.body?.cancel())
    .catch((error: unknown) => log.debug({ err: error, routerUrl }, "router did not take the nudge"));
}
