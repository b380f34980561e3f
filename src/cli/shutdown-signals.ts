/**
 * SIGTERM/SIGINT: stop taking work, tear VMs down, exit 0. A second signal exits at once (the
 * next start cleans up whatever was left).
 */
import type { Logger } from "pino";

export function handleShutdownSignals(options: {
  log: Logger;
  shutdown: (reason: string) => Promise<void>;
}): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      options.log.warn({ signal }, "second signal: exiting without waiting for teardown");
      process.exit(130);
    }
    stopping = true;
    options.log.info({ signal }, "shutting down: tearing down VMs");
    options
      .shutdown(`shutdown (${signal})`)
      .then(() => {
        options.log.info("shutdown complete");
        process.exit(0);
      })
      .catch((error: unknown) => {
        options.log.error({ err: error }, "shutdown failed");
        process.exit(1);
      });
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
