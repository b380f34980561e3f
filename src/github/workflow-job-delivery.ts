/**
 * The first steps both daemons take with a webhook delivery, in this order: the signature over
 * the raw bytes (401), GitHub's event and delivery headers (400), `ping` (200) and other events
 * (202, ignored), the body as JSON — form-encoded hooks carry it in `payload` (github-api.md
 * §1.1) — and its shape as a workflow_job event (400). What to do with a valid event is each
 * daemon's own business.
 */
import type { WebhookOutcome } from "../observability/metric-outcomes.js";
import { verifyWebhookSignature } from "./webhook-signature.js";
import { parseWorkflowJobEvent, type WorkflowJobEvent } from "./workflow-job-event.js";

export interface DeliveryRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly rawBody: Buffer;
}

export interface DeliveryAnswer {
  readonly status: number;
  readonly body: { readonly message: string };
  readonly outcome: WebhookOutcome;
}

export type WorkflowJobDelivery =
  | { readonly ok: false; readonly answer: DeliveryAnswer }
  | {
      readonly ok: true;
      readonly deliveryId: string;
      readonly event: WorkflowJobEvent;
      /** A request header's first value. */
      readonly header: (name: string) => string | undefined;
    };

export function deliveryAnswer(status: number, message: string, outcome: WebhookOutcome): DeliveryAnswer {
  return { status, body: { message }, outcome };
}

/** `secret` is null only when signature verification is switched off in the configuration. */
export function readWorkflowJobDelivery(
  request: DeliveryRequest,
  secret: string | null,
): WorkflowJobDelivery {
  const refuse = (status: number, message: string, outcome: WebhookOutcome): WorkflowJobDelivery => ({
    ok: false,
    answer: deliveryAnswer(status, message, outcome),
  });
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  if (secret !== null && !verifyWebhookSignature(secret, request.rawBody, header("x-hub-signature-256")))
    return refuse(401, "missing or invalid X-Hub-Signature-256", "unauthorized");
  const event = header("x-github-event");
  const deliveryId = header("x-github-delivery");
  if (event === undefined || event === "" || deliveryId === undefined || deliveryId === "")
    return refuse(400, "missing X-GitHub-Event or X-GitHub-Delivery", "bad_request");
  if (event === "ping") return refuse(200, "pong", "ignored");
  if (event !== "workflow_job") return refuse(202, `ignored ${event} event`, "ignored");
  let body: unknown;
  try {
    body = JSON.parse(payloadText(request.rawBody, header("content-type")));
  } catch {
    return refuse(400, "body is not valid JSON", "bad_request");
  }
  const parsed = parseWorkflowJobEvent(body);
  if (!parsed.ok) return refuse(400, parsed.error, "bad_request");
  return { ok: true, deliveryId, event: parsed.event, header };
}

function payloadText(raw: Buffer, contentType: string | undefined): string {
  if (contentType?.startsWith("application/x-www-form-urlencoded") === true)
    return new URLSearchParams(raw.toString("utf8")).get("payload") ?? "";
  return raw.toString("utf8");
}
