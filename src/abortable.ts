/**
 * Awaiting something that does not itself listen to an AbortSignal: `abortable(work, signal)`
 * settles like `work`, or rejects with the signal's reason as soon as it aborts. The listener is
 * removed when `work` settles, so racing many calls against one long-lived signal leaks nothing.
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error as Error);
      },
    );
  });
}
