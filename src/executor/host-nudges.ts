/**
 * Small duties of the original's `webhook.localUrl`, `webhook.routerUrl` and `tart.homeFolder`:
 * - `localUrl`: one GET at start, so macOS shows its Local Network permission prompt right away
 *   instead of failing the first job's SSH connection;
 * - `routerUrl`: `POST {routerUrl}/runner` at start and after every VM ends, so the router
 *   refreshes this host's capacity at once;
 * - `homeFolder`: listed once at start, so macOS asks for removable-volume access up front.
 * All are best effort: failures are logged at debug level and never stop the executor. The HTTP
 * calls go through the injected HttpPort.
 */
import { readdirSync } from "node:fs";
import type { Logger } from "pino";
import type { HttpPort } from "./http-port.js";

export function touchHomeFolder(homeFolder: string | undefined, log: Logger): void {
  if (homeFolder === undefined) return;
  try {
    readdirSync(homeFolder);
  } catch (error) {
    log.warn({ homeFolder, err: error }, "cannot list tart.homeFolder; allow access when macOS asks");
  }
}

export function pingLocalUrl(localUrl: string | undefined, log: Logger, http: HttpPort): void {
  if (localUrl === undefined) return;
  http(localUrl, { method: "GET", timeoutMs: 5000 }).catch((error: unknown) =>
    log.debug({ err: error, localUrl }, "webhook.localUrl did not answer"),
  );
}

export function nudgeRouter(routerUrl: string | undefined, log: Logger, http: HttpPort): void {
  if (routerUrl === undefined) return;
  http(`${routerUrl}/runner`, { method: "POST", timeoutMs: 5000 }).catch((error: unknown) =>
    log.debug({ err: error, routerUrl }, "router did not take the nudge"),
  );
}
