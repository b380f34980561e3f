/**
 * Installation access tokens live one hour (github-api.md §2.3). We keep each one until a few
 * minutes before it expires, by our own clock, and never fetch two at once for one installation.
 */
import type { Clock } from "../clock.js";

export interface InstallationToken {
  readonly token: string;
  readonly expiresAt: number;
}

export class InstallationTokenCache {
  readonly #clock: Clock;
  readonly #refreshBeforeMs: number;
  readonly #fetch: (installationId: number) => Promise<InstallationToken>;
  readonly #tokens = new Map<number, InstallationToken>();
  readonly #pending = new Map<number, Promise<InstallationToken>>();

  constructor(options: {
    clock: Clock;
    fetch: (installationId: number) => Promise<InstallationToken>;
    refreshBeforeMs?: number;
  }) {
    this.#clock = options.clock;
    this.#fetch = options.fetch;
    this.#refreshBeforeMs = options.refreshBeforeMs ?? 5 * 60_000;
  }

  async get(installationId: number): Promise<InstallationToken> {
    const cached = this.#tokens.get(installationId);
    if (cached !== undefined && this.#clock.now() < cached.expiresAt - this.#refreshBeforeMs) return cached;
    const pending = this.#pending.get(installationId);
    if (pending !== undefined) return pending;
    const request = this.#fetch(installationId)
      .then((token) => {
        this.#tokens.set(installationId, token);
        return token;
      })
      .finally(() => this.#pending.delete(installationId));
    this.#pending.set(installationId, request);
    return request;
  }

  /** Forget a token GitHub refused (401), so the next call fetches a new one. */
  invalidate(installationId: number): void {
    this.#tokens.delete(installationId);
  }
}
