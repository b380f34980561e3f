/** Label values shared by the executor's and the router's metrics. */

/** What happened to one webhook delivery. */
export type WebhookOutcome =
  "accepted" | "duplicate" | "ignored" | "rejected" | "unauthorized" | "bad_request";

export const WEBHOOK_OUTCOMES: readonly WebhookOutcome[] = [
  "accepted",
  "duplicate",
  "ignored",
  "rejected",
  "unauthorized",
  "bad_request",
];

/** Prometheus rejects NaN/Infinity in some tools and they always mean a bug upstream: skip them. */
export function isMetricValue(value: number): boolean {
  return Number.isFinite(value);
}
