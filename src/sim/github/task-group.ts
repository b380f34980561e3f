/**
 * Background work of the fake (deliveries, watchdogs) runs detached from the request that caused
 * it. Every such promise is tracked here so close() can wait for it and no rejection goes unseen.
 */
export class TaskGroup {
  readonly #tasks = new Set<Promise<void>>();
  readonly #errors: unknown[] = [];
  readonly #controller = new AbortController();

  /** Aborted by close(); every background sleep listens to it. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Errors background tasks threw (a bug in the fake; tests can assert it stays empty). */
  get errors(): readonly unknown[] {
    return this.#errors;
  }

  spawn(task: () => Promise<void>): void {
    const promise = task().catch((error: unknown) => {
      if (!this.#controller.signal.aborted) this.#errors.push(error);
    });
    this.#tasks.add(promise);
    void promise.finally(() => this.#tasks.delete(promise));
  }

  /** Resolves once no task is running (tasks spawned meanwhile are awaited too). */
  async idle(): Promise<void> {
    while (this.#tasks.size > 0) await Promise.all([...this.#tasks]);
  }

  async close(): Promise<void> {
    this.#controller.abort(new Error("fake GitHub closed"));
    await this.idle();
  }
}
