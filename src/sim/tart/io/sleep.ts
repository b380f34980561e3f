/** A cancellable sleep: SIGINT cancels tart's task, and Swift's `Task.sleep` then throws. */
import { CancellationError } from "../cli/errors.js";

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new CancellationError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CancellationError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
