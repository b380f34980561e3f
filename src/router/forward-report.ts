/** How a forward's outcome shows in metrics and logs. */
import type { Logger } from "pino";
import type { ForwardOutcome } from "../observability/router-metrics.js";
import type { ForwardAttempt } from "./forward-client.js";
import type { Forward } from "./router-model.js";

export function forwardOutcome(attempt: ForwardAttempt): ForwardOutcome {
  if (!attempt.ok) {
    switch (attempt.failure) {
      case "refused":
        return "unreachable";
      case "unauthorized":
      case "invalid":
        return "rejected";
      case "failed":
      case "not-sent":
        return "error";
    }
  }
  switch (attempt.answer.result) {
    case "accepted":
    case "duplicate":
    case "recorded":
      return "accepted";
    case "full":
      return "busy";
    case "ignored":
      return "rejected";
  }
}

export function logForward(log: Logger, forward: Forward, attempt: ForwardAttempt): void {
  const fields = {
    host: forward.host,
    kind: forward.kind,
    delivery: forward.delivery.id,
    action: forward.delivery.action,
    ...(forward.kind === "event" ? {} : { job: forward.job }),
    ms: Math.round(attempt.seconds * 1000),
  };
  if (!attempt.ok) {
    const level = attempt.failure === "unauthorized" ? "error" : "warn";
    log[level]({ ...fields, failure: attempt.failure, reason: attempt.reason }, "forward to executor failed");
    return;
  }
  const { result, message } = attempt.answer;
  if (result === "ignored") log.warn({ ...fields, result, message }, "executor refused the job");
  else if (result === "full") log.debug({ ...fields, result }, "executor is full");
  else if (forward.kind === "event") log.debug({ ...fields, result }, "event forwarded");
  else log.info({ ...fields, result }, "job handed to executor");
}
