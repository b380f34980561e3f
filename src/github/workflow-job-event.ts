/**
 * The `workflow_job` webhook payload, reduced to the fields the executor and router use
 * (github-api.md §1.4). Extra fields are ignored; the ones we read are checked strictly, so
 * nothing downstream has to second-guess a type.
 */
import { z } from "zod";

/** The actions GitHub documents for `workflow_job`. */
export type WorkflowJobAction = "queued" | "waiting" | "in_progress" | "completed";

const KNOWN_ACTIONS: ReadonlySet<string> = new Set<WorkflowJobAction>([
  "queued",
  "waiting",
  "in_progress",
  "completed",
]);

/** GitHub's own limits are far below these; anything bigger is not a real job. */
export const MAX_LABELS = 100;
export const MAX_LABEL_LENGTH = 256;

export interface WorkflowJobEvent {
  /**
   * The delivery's action. GitHub may add actions; those arrive as `"unknown"` (the original
   * string is in `rawAction`) so the server can acknowledge and ignore them.
   * Use this rather than `job.status`: a `queued` delivery can carry status `waiting`.
   */
  readonly action: WorkflowJobAction | "unknown";
  readonly rawAction: string;
  readonly job: {
    readonly id: number;
    readonly runId: number;
    /** 1 when the payload omits it (older payloads do). */
    readonly runAttempt: number;
    readonly name: string;
    /** The job's `runs-on` labels exactly as sent. */
    readonly labels: readonly string[];
    readonly status: string;
    readonly conclusion: string | null;
    /** Null (or 0 for jobs cancelled before assignment) until a runner takes the job. */
    readonly runnerId: number | null;
    readonly runnerName: string | null;
    readonly runnerGroupName: string | null;
    readonly htmlUrl: string | null;
    readonly createdAt: string | null;
  };
  readonly repository: {
    /** `owner/name`, as GitHub spells it (compare case-insensitively). */
    readonly fullName: string;
    readonly owner: string;
  };
  /** Present on GitHub App deliveries only. */
  readonly installationId: number | null;
  /** Present for organisation-owned repositories only. */
  readonly organization: string | null;
}

export type ParseWorkflowJobResult =
  { readonly ok: true; readonly event: WorkflowJobEvent } | { readonly ok: false; readonly error: string };

// Owner logins are alphanumerics and hyphens (plus `_` for enterprise managed users); repository
// names add `.`, but `.` and `..` themselves are not valid names.
const FULL_NAME = /^[A-Za-z0-9_-]{1,39}\/(?!\.\.?$)[A-Za-z0-9_.-]{1,100}$/;

const payloadSchema = z.object({
  action: z.string(),
  workflow_job: z.object({
    id: z.int().positive(),
    run_id: z.int().positive(),
    run_attempt: z.int().positive().nullish(),
    name: z.string(),
    labels: z.array(z.string().max(MAX_LABEL_LENGTH)).max(MAX_LABELS),
    status: z.string(),
    conclusion: z.string().nullish(),
    runner_id: z.int().nonnegative().nullish(),
    runner_name: z.string().nullish(),
    runner_group_name: z.string().nullish(),
    html_url: z.string().nullish(),
    created_at: z.string().nullish(),
  }),
  repository: z.object({
    full_name: z.string().regex(FULL_NAME, "expected owner/name"),
    owner: z.object({ login: z.string().min(1) }),
  }),
  installation: z.object({ id: z.int().positive() }).nullish(),
  organization: z.object({ login: z.string().min(1) }).nullish(),
});

type Payload = z.infer<typeof payloadSchema>;

/** Validates a parsed JSON body as a `workflow_job` delivery. Never throws. */
export function parseWorkflowJobEvent(body: unknown): ParseWorkflowJobResult {
  let parsed: ReturnType<typeof payloadSchema.safeParse>;
  try {
    parsed = payloadSchema.safeParse(body);
  } catch {
    // Only exotic inputs (throwing getters, proxies) get here; JSON.parse output never does.
    return { ok: false, error: "payload could not be read" };
  }
  if (!parsed.success) return { ok: false, error: describeIssues(parsed.error.issues) };
  return { ok: true, event: toEvent(parsed.data) };
}

function toEvent(data: Payload): WorkflowJobEvent {
  const job = data.workflow_job;
  return {
    action: KNOWN_ACTIONS.has(data.action) ? (data.action as WorkflowJobAction) : "unknown",
    rawAction: data.action,
    job: {
      id: job.id,
      runId: job.run_id,
      runAttempt: job.run_attempt ?? 1,
      name: job.name,
      labels: job.labels,
      status: job.status,
      conclusion: job.conclusion ?? null,
      runnerId: job.runner_id ?? null,
      runnerName: job.runner_name ?? null,
      runnerGroupName: job.runner_group_name ?? null,
      htmlUrl: job.html_url ?? null,
      createdAt: job.created_at ?? null,
    },
    repository: { fullName: data.repository.full_name, owner: data.repository.owner.login },
    installationId: data.installation?.id ?? null,
    organization: data.organization?.login ?? null,
  };
}

/** A one-line summary of the first few problems, for a 400 answer and a log line. */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const shown = issues.slice(0, 3).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join(".") : "payload";
    return `${path}: ${issue.message}`;
  });
  const more = issues.length > shown.length ? ` (and ${issues.length - shown.length} more)` : "";
  return `invalid workflow_job payload: ${shown.join("; ")}${more}`;
}
