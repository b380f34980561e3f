/**
 * Reads one message of the scale set's queue (actions/scaleset types.go
 * `runnerScaleSetMessageResponse`, client.go `parseRunnerScaleSetMessageResponse`), distrusting it:
 * an envelope that is not JSON, too large, of an unknown type, or whose `body` is not a JSON array
 * is reported as `unreadable` with its id when one can be found, so it can be acknowledged and the
 * session kept. Job messages of unknown types are counted and skipped.
 */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export type JobMessageType = "JobAvailable" | "JobAssigned" | "JobStarted" | "JobCompleted";
const JOB_TYPES: ReadonlySet<string> = new Set(["JobAvailable", "JobAssigned", "JobStarted", "JobCompleted"]);

export interface JobMessage {
  readonly messageType: JobMessageType;
  readonly runnerRequestId: number;
  readonly repositoryName: string;
  readonly ownerName: string;
  readonly jobDisplayName: string;
  readonly workflowRunId: number;
  readonly requestLabels: readonly string[];
  readonly runnerName: string | null;
  readonly result: string | null;
}

export type ParsedMessage =
  | {
      readonly kind: "jobs";
      readonly messageId: number;
      readonly jobs: readonly JobMessage[];
      /** Job messages skipped: unknown type or missing fields. */
      readonly skipped: readonly string[];
      readonly totalAssignedJobs: number | null;
    }
  | { readonly kind: "unreadable"; readonly messageId: number | null; readonly reason: string };

const idIn = (text: string): number | null => {
  const match = /"messageId"\s*:\s*(\d{1,15})/.exec(text.slice(0, 4096));
  return match?.[1] === undefined ? null : Number(match[1]);
};

function readJob(raw: unknown): JobMessage | string {
  if (typeof raw !== "object" || raw === null) return "not an object";
  const m = raw as Record<string, unknown>;
  const type = m["messageType"];
  if (typeof type !== "string" || !JOB_TYPES.has(type)) return `type ${JSON.stringify(type)}`;
  const id = m["runnerRequestId"];
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id <= 0)
    return `${type} without runnerRequestId`;
  const str = (key: string): string | null => (typeof m[key] === "string" ? (m[key] as string) : null);
  const labels = m["requestLabels"];
  return {
    messageType: type as JobMessageType,
    runnerRequestId: id,
    repositoryName: str("repositoryName") ?? "",
    ownerName: str("ownerName") ?? "",
    jobDisplayName: str("jobDisplayName") ?? "",
    workflowRunId: typeof m["workflowRunId"] === "number" ? (m["workflowRunId"] as number) : 0,
    requestLabels: Array.isArray(labels) ? labels.filter((l): l is string => typeof l === "string") : [],
    runnerName: str("runnerName"),
    result: str("result"),
  };
}

export function parseMessage(text: string): ParsedMessage {
  if (Buffer.byteLength(text) > MAX_MESSAGE_BYTES)
    return {
      kind: "unreadable",
      messageId: idIn(text),
      reason: `message larger than ${MAX_MESSAGE_BYTES} bytes`,
    };
  let envelope: unknown;
  try {
    envelope = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    return { kind: "unreadable", messageId: idIn(text), reason: "message is not JSON" };
  }
  const e = (typeof envelope === "object" && envelope !== null ? envelope : {}) as Record<string, unknown>;
  const messageId =
    typeof e["messageId"] === "number" && Number.isSafeInteger(e["messageId"]) ? e["messageId"] : null;
  if (messageId === null) return { kind: "unreadable", messageId: null, reason: "message without messageId" };
  if (e["messageType"] !== "RunnerScaleSetJobMessages")
    return {
      kind: "unreadable",
      messageId,
      reason: `unsupported message type ${JSON.stringify(e["messageType"])}`,
    };
  let batch: unknown = [];
  if (typeof e["body"] === "string" && e["body"] !== "") {
    try {
      batch = JSON.parse(e["body"]);
    } catch {
      return { kind: "unreadable", messageId, reason: "message body is not JSON" };
    }
  }
  if (!Array.isArray(batch)) return { kind: "unreadable", messageId, reason: "message body is not an array" };
  const jobs: JobMessage[] = [];
  const skipped: string[] = [];
  for (const raw of batch) {
    const job = readJob(raw);
    if (typeof job === "string") skipped.push(job);
    else jobs.push(job);
  }
  const stats = e["statistics"] as { totalAssignedJobs?: unknown } | undefined;
  const totalAssignedJobs = typeof stats?.totalAssignedJobs === "number" ? stats.totalAssignedJobs : null;
  return { kind: "jobs", messageId, jobs, skipped, totalAssignedJobs };
}
