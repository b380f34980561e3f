import { z } from "zod";

/** Log levels both daemons accept, least to most severe. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A name or identifier: surrounding spaces are not meaningful, so they are trimmed; empty is an error. */
export function nameText() {
  return z.string().trim().min(1);
}

/** A secret: kept byte for byte (spaces may be part of it), but never empty. */
export function secretText() {
  return z.string().min(1);
}

/** A TCP port. */
export function portNumber() {
  return z.int().min(1).max(65535);
}

/** The upper bound GitHub puts on a webhook payload (25 MB); a larger body limit is never useful. */
export const MAX_WEBHOOK_BODY_BYTES = 25 * 1024 * 1024;

/** Limit on accepted request bodies; at least 1 KiB so a real workflow_job payload always fits. */
export function bodyBytes() {
  return z.int().min(1024).max(MAX_WEBHOOK_BODY_BYTES);
}

export function logLevel() {
  return z.enum(LOG_LEVELS);
}
