import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseWorkflowJobEvent } from "../../../src/github/workflow-job-event.js";

interface ExampleGroup {
  readonly name: string;
  readonly examples: readonly Record<string, unknown>[];
}

const examples = (createRequire(import.meta.url)("@octokit/webhooks-examples") as ExampleGroup[]).find(
  (group) => group.name === "workflow_job",
)?.examples;
if (examples === undefined) throw new Error("@octokit/webhooks-examples has no workflow_job group");

/** The minimal `queued` payload from github-api.md §1.4. */
function queued(): Record<string, unknown> {
  return {
    action: "queued",
    workflow_job: {
      id: 289782451,
      run_id: 2202229078,
      run_attempt: 2,
      status: "queued",
      conclusion: null,
      name: "build",
      labels: ["self-hosted", "macOS", "tart", "ghcr.io/cirruslabs/macos-sequoia-xcode:16"],
      runner_id: null,
      runner_name: null,
      runner_group_id: null,
      runner_group_name: null,
      html_url: "https://github.com/octo-org/octo-repo/actions/runs/2202229078/job/289782451",
      created_at: "2024-05-01T10:00:00Z",
      steps: [],
    },
    repository: { id: 1, name: "octo-repo", full_name: "octo-org/octo-repo", owner: { login: "octo-org" } },
    organization: { login: "octo-org", id: 1 },
    installation: { id: 3456996, node_id: "x" },
    sender: { login: "octocat" },
  };
}

/** A deep copy of the payload with `edit` applied to its workflow_job. */
function withJob(edit: (job: Record<string, unknown>) => void): Record<string, unknown> {
  const payload = queued();
  edit(payload["workflow_job"] as Record<string, unknown>);
  return payload;
}

function errorOf(body: unknown): string {
  const result = parseWorkflowJobEvent(body);
  if (result.ok) throw new Error("expected the payload to be rejected");
  return result.error;
}

describe("parseWorkflowJobEvent", () => {
  it("reads every workflow_job example GitHub publishes", () => {
    expect(examples).toHaveLength(8);
    for (const example of examples) {
      const result = parseWorkflowJobEvent(example);
      expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
      if (!result.ok) continue;
      const job = example["workflow_job"] as Record<string, unknown>;
      expect(result.event.rawAction).toBe(example["action"]);
      expect(result.event.action).toBe(example["action"]);
      expect(result.event.job.id).toBe(job["id"]);
      expect(result.event.job.labels).toEqual(job["labels"]);
    }
  });

  it("maps the fields we use and fills the documented defaults", () => {
    const result = parseWorkflowJobEvent(queued());
    expect(result).toEqual({
      ok: true,
      event: {
        action: "queued",
        rawAction: "queued",
        job: {
          id: 289782451,
          runId: 2202229078,
          runAttempt: 2,
          name: "build",
          labels: ["self-hosted", "macOS", "tart", "ghcr.io/cirruslabs/macos-sequoia-xcode:16"],
          status: "queued",
          conclusion: null,
          runnerId: null,
          runnerName: null,
          runnerGroupName: null,
          htmlUrl: "https://github.com/octo-org/octo-repo/actions/runs/2202229078/job/289782451",
          createdAt: "2024-05-01T10:00:00Z",
        },
        repository: { fullName: "octo-org/octo-repo", owner: "octo-org" },
        installationId: 3456996,
        organization: "octo-org",
      },
    });
  });

  it("defaults run_attempt to 1 and tolerates absent optional objects", () => {
    const payload = withJob((job) => {
      delete job["run_attempt"];
      delete job["created_at"];
      delete job["html_url"];
    });
    delete payload["installation"];
    delete payload["organization"];
    const result = parseWorkflowJobEvent(payload);
    if (!result.ok) throw new Error(result.error);
    expect(result.event.job.runAttempt).toBe(1);
    expect(result.event.job.createdAt).toBeNull();
    expect(result.event.installationId).toBeNull();
    expect(result.event.organization).toBeNull();
  });

  it("reports actions GitHub may add later as unknown, keeping the original", () => {
    const result = parseWorkflowJobEvent({ ...queued(), action: "requested" });
    expect(result).toMatchObject({ ok: true, event: { action: "unknown", rawAction: "requested" } });
  });

  it("keeps unicode names and labels", () => {
    const result = parseWorkflowJobEvent(
      withJob((job) => {
        job["name"] = "Build 🚀 — ñandú";
        job["labels"] = ["tart", "ímage-ü"];
      }),
    );
    expect(result).toMatchObject({
      ok: true,
      event: { job: { name: "Build 🚀 — ñandú", labels: ["tart", "ímage-ü"] } },
    });
  });

  it.each([
    ["a string id", withJob((job) => (job["id"] = "289782451")), "workflow_job.id"],
    ["a fractional id", withJob((job) => (job["id"] = 1.5)), "workflow_job.id"],
    ["a negative id", withJob((job) => (job["id"] = -1)), "workflow_job.id"],
    ["an id beyond 2^53", withJob((job) => (job["id"] = 2 ** 60)), "workflow_job.id"],
    ["a missing id", withJob((job) => delete job["id"]), "workflow_job.id"],
    ["missing labels", withJob((job) => delete job["labels"]), "workflow_job.labels"],
    ["labels that are a string", withJob((job) => (job["labels"] = "tart")), "workflow_job.labels"],
    ["a numeric label", withJob((job) => (job["labels"] = ["tart", 7])), "workflow_job.labels.1"],
    [
      "101 labels",
      withJob((job) => (job["labels"] = Array.from({ length: 101 }, (_, i) => `l${i}`))),
      "labels",
    ],
    ["a 257-character label", withJob((job) => (job["labels"] = ["x".repeat(257)])), "labels.0"],
    ["a zero run_attempt", withJob((job) => (job["run_attempt"] = 0)), "run_attempt"],
    ["a string runner_id", withJob((job) => (job["runner_id"] = "5")), "runner_id"],
    ["a numeric action", { ...queued(), action: 1 }, "action"],
    ["no repository", { ...queued(), repository: undefined }, "repository"],
    [
      "a repository without owner/name",
      { ...queued(), repository: { full_name: "octo", owner: { login: "o" } } },
      "full_name",
    ],
    [
      "a repository named ..",
      { ...queued(), repository: { full_name: "o/..", owner: { login: "o" } } },
      "full_name",
    ],
    [
      "a repository with a space",
      { ...queued(), repository: { full_name: "o/a b", owner: { login: "o" } } },
      "full_name",
    ],
    ["no owner login", { ...queued(), repository: { full_name: "o/r", owner: {} } }, "owner.login"],
    ["an installation id string", { ...queued(), installation: { id: "1" } }, "installation.id"],
    ["no workflow_job", { ...queued(), workflow_job: undefined }, "workflow_job"],
  ])("rejects %s", (_name, body, where) => {
    expect(errorOf(body)).toContain(where);
  });

  it.each([null, undefined, 42, "queued", true, [], [queued()]])("rejects the non-object body %j", (body) => {
    expect(errorOf(body)).toMatch(/^invalid workflow_job payload/);
  });

  it("does not echo payload values into the error", () => {
    const error = errorOf(withJob((job) => (job["labels"] = ["x".repeat(300) + "SECRET-LOOKING"])));
    expect(error).not.toContain("SECRET-LOOKING");
  });

  it("never throws, whatever the body", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (body) => {
        expect(() => parseWorkflowJobEvent(body)).not.toThrow();
      }),
    );
    const hostile = {
      get action(): string {
        throw new Error("boom");
      },
    };
    expect(parseWorkflowJobEvent(hostile)).toEqual({ ok: false, error: "payload could not be read" });
  });

  it("never throws on randomly damaged real payloads", () => {
    fc.assert(
      fc.property(fc.nat(), fc.jsonValue(), (at, value) => {
        const payload = queued();
        const job = payload["workflow_job"] as Record<string, unknown>;
        const keys = Object.keys(job);
        job[keys[at % keys.length] ?? "id"] = value;
        const result = parseWorkflowJobEvent(payload);
        // Whatever got through still has the types the rest of the daemon relies on.
        if (result.ok) {
          expect(Number.isSafeInteger(result.event.job.id)).toBe(true);
          expect(result.event.job.labels.every((label) => typeof label === "string")).toBe(true);
        }
      }),
    );
  });
});
