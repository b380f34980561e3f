/** Every default of tart-router.yaml, in the units the file uses. */
export const ROUTER_DEFAULTS = {
  stateDirectoryName: ".tart-router",
  host: "0.0.0.0",
  logLevel: "info",
  // The original polled executors every 5 s.
  statusIntervalSeconds: 5,
  // GitHub gives up on a delivery after 10 s; a forward must fail well before that.
  forwardTimeoutSeconds: 5,
  hostBackoffInitialSeconds: 5,
  hostBackoffMaxSeconds: 60,
  maxBodyBytes: 1_048_576,
  githubApiUrl: "https://api.github.com",
} as const;

/** Environment variables tart-router reads (by the CLI, handed to the loader). */
export const ROUTER_ENV = {
  configPath: "TART_ROUTER_CONFIG",
  webhookSecret: "TART_ROUTER_WEBHOOK_SECRET",
} as const;
