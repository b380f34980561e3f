/**
 * The scale-set listener's Prometheus metrics, on their own registry (labelled with the
 * hostname like the executor's) and appended to the executor's `/metrics` text:
 * `tart_executor_scaleset_messages_total{type}`, `tart_executor_scaleset_session{state}` (1 for
 * the current state) and `tart_executor_scaleset_acquire_seconds`.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { SessionState } from "./scaleset-listener.js";

const STATES: readonly SessionState[] = ["starting", "connected", "conflict", "retrying", "closed"];
const TYPES = ["JobAvailable", "JobAssigned", "JobStarted", "JobCompleted", "unknown", "unreadable"];

export interface ScaleSetMetrics {
  message(type: string): void;
  sessionState(state: SessionState): void;
  acquired(latencyMs: number): void;
  render(): Promise<string>;
}

export function createScaleSetMetrics(hostname: string): ScaleSetMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ hostname });
  const registers = [registry];
  const messages = new Counter<"type">({
    name: "tart_executor_scaleset_messages_total",
    help: "Scale-set job messages received, by type (unknown: skipped job message; unreadable: dropped message).",
    labelNames: ["type"],
    registers,
  });
  for (const type of TYPES) messages.inc({ type }, 0);
  const session = new Gauge<"state">({
    name: "tart_executor_scaleset_session",
    help: "1 for the scale-set message session's current state, 0 for the others.",
    labelNames: ["state"],
    registers,
  });
  const setState = (state: SessionState): void => {
    for (const s of STATES) session.set({ state: s }, s === state ? 1 : 0);
  };
  setState("starting");
  const acquire = new Histogram({
    name: "tart_executor_scaleset_acquire_seconds",
    help: "Time an acquirejobs call took.",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  return {
    message: (type) => messages.inc({ type: TYPES.includes(type) ? type : "unknown" }),
    sessionState: setState,
    acquired: (latencyMs) => acquire.observe(latencyMs / 1000),
    render: () => registry.metrics(),
  };
}
