/**
 * Background work the router must not lose track of (forwards, status polls, journal writes):
 * failures are logged instead of becoming unhandled rejections, and shutdown can wait for all of it.
 */
import type { Logger } from "pino";

export class TaskSet {
  readonly #tasks = new Set<Promise<void>>();
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  add(task: Promise<void>): void {
    const tracked = task.catch((error: unknown) => this.#log.error({ err: error }, "background task failed"));
    this.#tasks.add(tracked);
    void tracked.finally(() => this.#tasks.delete(tracked));
  }

  /** Resolves when every task added so far, and every task they added, has finished. */
  async settled(): Promise<void> {
    while (this.#tasks.size > 0) await Promise.all(this.#tasks);
  }
}
