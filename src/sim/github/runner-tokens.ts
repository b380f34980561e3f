/**
 * Registration and remove tokens (`config.sh --token`): bound to one scope, valid one hour. The
 * registration token is what `POST /actions/runner-registration` accepts as `RemoteAuth`.
 */
import { runnerTokenValue } from "./ids.js";
import type { RunnerScope } from "./runner-scope.js";

export const RUNNER_TOKEN_LIFETIME_MS = 60 * 60 * 1000;

export interface RunnerToken {
  readonly token: string;
  readonly kind: "registration" | "remove";
  readonly scope: RunnerScope;
  readonly expiresAtMs: number;
}

export class RunnerTokens {
  readonly #tokens = new Map<string, RunnerToken>();

  issue(kind: RunnerToken["kind"], scope: RunnerScope, nowMs: number): RunnerToken {
    const token: RunnerToken = {
      token: runnerTokenValue(),
      kind,
      scope,
      expiresAtMs: nowMs + RUNNER_TOKEN_LIFETIME_MS,
    };
    this.#tokens.set(token.token, token);
    return token;
  }

  /** The live token of that kind, or undefined (unknown, wrong kind or expired). */
  resolve(value: string, kind: RunnerToken["kind"], nowMs: number): RunnerToken | undefined {
    const token = this.#tokens.get(value);
    return token !== undefined && token.kind === kind && token.expiresAtMs > nowMs ? token : undefined;
  }
}

/** `expires_at` of runner tokens carries milliseconds and an offset in GitHub's examples. */
export const runnerTokenJson = (token: RunnerToken): Record<string, unknown> => ({
  token: token.token,
  expires_at: new Date(token.expiresAtMs).toISOString(),
});
