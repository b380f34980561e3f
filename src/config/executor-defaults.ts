/**
 * Every default of tart-executor.yaml in one place, in the units the file uses. The example file
 * and the tests quote these.
 */
export const EXECUTOR_DEFAULTS = {
  stateDirectoryName: ".tart-executor",
  logLevel: "info",
  vmLogsToKeep: 20,
  numberOfVirtualMachines: 1,
  // Cirrus Labs images (the usual source of macOS images for Tart) log in as admin/admin.
  sshUsername: "admin",
  sshPassword: "admin",
  sshPort: 22,
  pullPolicy: "if-not-present",
  guestChannel: "auto",
  githubApiUrl: "https://api.github.com",
  webhookHost: "0.0.0.0",
  maxBodyBytes: 1_048_576,
  timeoutSeconds: {
    pull: 1800,
    clone: 600,
    boot: 180,
    runnerOnline: 120,
    jobStart: 600,
    jobMax: 21_600,
    idle: 60,
    teardown: 120,
    drain: 3600,
    tombstone: 86400,
    githubRequest: 30,
    afterJob: 60,
    sweep: 60,
  },
  retryMaxAttempts: 3,
  retryBackoffSeconds: 5,
} as const;

/** Environment variables tart-executor reads (by the CLI, handed to the loader). */
export const EXECUTOR_ENV = {
  configPath: "TART_EXECUTOR_CONFIG",
  webhookSecret: "TART_EXECUTOR_WEBHOOK_SECRET",
  registryPassword: "TART_EXECUTOR_REGISTRY_PASSWORD",
} as const;
