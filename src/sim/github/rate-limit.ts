/**
 * Primary rate limit: a budget per installation (shared by its tokens), per App (JWT) and per
 * client address (unauthenticated), counted in a window that starts with the first request, like
 * GitHub's `x-ratelimit-*` headers describe.
 */
import { GitHubError, DOCS } from "./github-error.js";

export interface RateLimitOptions {
  /** Requests per window for installations and for the App itself (GitHub: 5,000/h). */
  readonly limit?: number;
  /** Requests per window without credentials (GitHub: 60/h). */
  readonly unauthenticatedLimit?: number;
  readonly windowMs?: number;
}

export interface RateState {
  readonly limit: number;
  readonly used: number;
  readonly resetAtMs: number;
}

interface Bucket {
  used: number;
  resetAtMs: number;
}

export function rateHeaders(state: RateState): Record<string, string> {
  return {
    "x-ratelimit-limit": String(state.limit),
    "x-ratelimit-remaining": String(Math.max(0, state.limit - state.used)),
    "x-ratelimit-used": String(state.used),
    "x-ratelimit-reset": String(Math.ceil(state.resetAtMs / 1000)),
    "x-ratelimit-resource": "core",
  };
}

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly limit: number;
  readonly unauthenticatedLimit: number;
  readonly #windowMs: number;

  constructor(options: RateLimitOptions = {}) {
    this.limit = options.limit ?? 5000;
    this.unauthenticatedLimit = options.unauthenticatedLimit ?? 60;
    this.#windowMs = options.windowMs ?? 60 * 60 * 1000;
  }

  #bucket(key: string, nowMs: number): Bucket {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined || bucket.resetAtMs <= nowMs) {
      bucket = { used: 0, resetAtMs: nowMs + this.#windowMs };
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  /**
   * Counts one request against `key`. Throws GitHub's 403 when the budget is spent; the error
   * carries the headers so the answer still reports the budget.
   */
  consume(key: string, limit: number, nowMs: number, subject: string): RateState {
    const bucket = this.#bucket(key, nowMs);
    if (bucket.used >= limit) {
      const state = { limit, used: bucket.used, resetAtMs: bucket.resetAtMs };
      throw new GitHubError(403, `API rate limit exceeded for ${subject}.`, {
        documentationUrl: `${DOCS.rateLimits}#about-primary-rate-limits`,
        headers: rateHeaders(state),
      });
    }
    bucket.used += 1;
    return { limit, used: bucket.used, resetAtMs: bucket.resetAtMs };
  }

  /** The budget without counting (for answers that fail before the request is attributed). */
  peek(key: string, limit: number, nowMs: number): RateState {
    const bucket = this.#bucket(key, nowMs);
    return { limit, used: bucket.used, resetAtMs: bucket.resetAtMs };
  }
}
