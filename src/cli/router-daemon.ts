/**
 * The composition root of `tart-router`: opens the durable store, wires the engine, the status
 * poller and the HTTP server, and starts listening. Everything from outside comes in through the
 * options, so tests run the real daemon in-process on port 0.
 */
import { readFileSync } from "node:fs";
import { bindsBeyondLoopback } from "../admin/admin-access.js";
import { registerRouterAdminRoutes } from "../admin/admin-routes.js";
import { routerAdmin } from "../router/router-admin.js";
import type { Logger } from "pino";
import { systemClock, type Clock } from "../clock.js";
import type { RouterConfig } from "../config/router-config.js";
import { GitHubAppClient } from "../github/github-app-client.js";
import { createRouterMetrics } from "../observability/router-metrics.js";
import { createForwardClient } from "../router/forward-client.js";
import { readLastAlive, startMissedDeliveryRecovery } from "../router/missed-deliveries.js";
import { RouterEngine } from "../router/router-engine.js";
import { routerPolicy } from "../router/router-policy.js";
import { buildRouterServer } from "../router/router-server.js";
import { RouterStore } from "../router/router-store.js";
import { StatusPoller } from "../router/status-poller.js";
import { handleRouterWebhook } from "../router/webhook-intake.js";
import { packageVersion } from "./package-version.js";

export interface RouterDaemonOptions {
  readonly config: RouterConfig;
  readonly log: Logger;
  /** The App's key (config.github.privateKeyPath, read by the CLI); read from that path when absent. */
  readonly privateKeyPem?: string;
  readonly clock?: Clock;
  /** Overrides config.host/config.port (tests listen on 127.0.0.1:0). */
  readonly listen?: { readonly host: string; readonly port: number };
  /** Export Node's process metrics too (default true). */
  readonly processMetrics?: boolean;
}

export interface RouterDaemon {
  /** Base URL the server listens on. */
  readonly url: string;
  readonly engine: RouterEngine;
  /** How many deliveries missed while the router was down GitHub was asked to send again. */
  readonly redelivered: Promise<number>;
  /** Stops accepting webhooks, waits for forwards in flight and makes the journal durable. */
  close(reason: string): Promise<void>;
}

export async function startRouterDaemon(options: RouterDaemonOptions): Promise<RouterDaemon> {
  const { config, log } = options;
  const clock = options.clock ?? systemClock;
  const version = packageVersion();
  const lastAlive = readLastAlive(config.stateDirectory);
  const store = RouterStore.open(config.stateDirectory, routerPolicy(config), clock.now());
  const metrics = createRouterMetrics({
    hostname: config.hostname,
    version,
    processMetrics: options.processMetrics ?? true,
  });
  const client = createForwardClient({
    timeoutMs: config.forwardTimeoutMs,
    routerHostname: config.hostname,
    ...(config.executorToken === undefined ? {} : { executorToken: config.executorToken }),
  });
  const engine = new RouterEngine({ store, client, clock, log, metrics });
  const poller = new StatusPoller({ engine, client, clock, log, statusIntervalMs: config.statusIntervalMs });
  const secret = config.insecureSkipSignatureVerification ? null : (config.webhookSecret ?? null);
  if (secret === null) log.warn("webhook signatures are not verified (insecureSkipSignatureVerification)");
  const app = buildRouterServer({
    log,
    hostname: config.hostname,
    version,
    maxBodyBytes: config.maxBodyBytes,
    metrics,
    state: () => engine.state,
    now: () => clock.now(),
    nudge: () => poller.pollNow(),
    handleWebhook: (request) =>
      handleRouterWebhook(request, {
        secret,
        labels: config.labels,
        record: (facts, delivery) => engine.record(facts, delivery),
        log,
      }),
  });
  registerRouterAdminRoutes(
    app,
    routerAdmin({
      engine,
      hostname: config.hostname,
      version,
      startedAt: clock.now(),
      now: () => clock.now(),
    }),
    { token: config.apiToken ?? null, exposed: bindsBeyondLoopback(config.host) },
  );
  const listen = options.listen ?? { host: config.host, port: config.port };
  const url = await app.listen(listen);
  poller.start();
  engine.schedulePass();
  const queued = [...engine.state.jobs.values()].filter((job) => job.status === "queued").length;
  log.info(
    { url, hosts: config.hosts.map((host) => host.hostname), queuedJobs: queued },
    "tart-router listening",
  );
  const recovery = startMissedDeliveryRecovery({
    stateDirectory: config.stateDirectory,
    lastAlive,
    github: githubApp(options, clock, version),
    state: () => engine.state,
    clock,
    log,
  });

  return {
    url,
    engine,
    redelivered: recovery.redelivered,
    async close(reason) {
      log.info({ reason }, "stopping tart-router");
      await app.close();
      poller.stop();
      await engine.stop();
      await recovery.stop();
    },
  };
}

/** The App client for the delivery log, when tart-router.yaml has a `github` section. */
function githubApp(options: RouterDaemonOptions, clock: Clock, version: string): GitHubAppClient | null {
  const { config, log } = options;
  if (config.github === undefined) return null;
  return new GitHubAppClient({
    appId: config.github.appId,
    privateKeyPem: options.privateKeyPem ?? readFileSync(config.github.privateKeyPath, "utf8"),
    apiUrl: config.github.apiUrl,
    clock,
    userAgent: `tart-router/${version}`,
    retry: {
      onRequest: (event) => {
        if (event.outcome !== "ok")
          log.warn(
            { method: event.method, route: event.route, status: event.status, outcome: event.outcome },
            "GitHub request failed",
          );
      },
    },
  });
}
