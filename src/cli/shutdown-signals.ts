/**
 * SIGTERM/SIGINT: stop taking work, let running jobs finish (up to the drain timeout), tear VMs
 * down, exit 0. A second signal tears everything down at once; a third exits without waiting
 * (the next start cleans up whatever was left).
 */
import type { Logger } from "pino";

export function handleShutdownSignals(options: {
  log: Logger;
  shutdown: (reason: string) => Promise<void>;
  /** What a second signal does; without it, a second signal exits at once. */
  abortAll?: (reason: string) => void;
}): void {
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals === 2 && options.abortAll !== undefined) {
      options.log.warn({ signal }, "second signal: tearing every VM down now");
      options.abortAll(`second ${signal}`);
      return;
    }
    if (signals > 1) {
      options.log.warn({ signal }, "exiting without waiting for teardown");
      process.exit(130);
    }
    options.log.info({ signal }, "shutting down");
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
