/**
 * Webhook payloads built from GitHub's real examples (@octokit/webhooks-examples), changing only
 * what must differ: action, workflow_job, repository (names and URLs consistently), organization
 * (present only for organization-owned repositories), installation and sender. The examples are
 * loaded once, on first use.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fullName, organizationJson, userJson, type Account, type RepoRef, type Site } from "./accounts.js";
import { legacyNodeId } from "./ids.js";
import { workflowJobJson, type Job, type JobStatus } from "./jobs.js";

type Json = Record<string, unknown>;
export type WorkflowJobAction = "queued" | "waiting" | "in_progress" | "completed";

interface Templates {
  readonly byAction: Readonly<Record<WorkflowJobAction, Json>>;
  readonly ping: Json;
}

let templates: Templates | undefined;

function loadTemplates(): Templates {
  if (templates !== undefined) return templates;
  const require = createRequire(import.meta.url);
  const events = JSON.parse(readFileSync(require.resolve("@octokit/webhooks-examples"), "utf8")) as Array<{
    name: string;
    examples: Json[];
  }>;
  const examples = (name: string): Json[] => events.find((e) => e.name === name)?.examples ?? [];
  const jobExample = (ok: (e: Json, job: Json) => boolean): Json => {
    // Each pick is an example that validates against @octokit/webhooks-schemas (example 0 does not).
    const found = examples("workflow_job").find((e) => ok(e, e["workflow_job"] as Json));
    if (found === undefined)
      throw new Error("@octokit/webhooks-examples lacks a needed workflow_job example");
    return found;
  };
  const ping = examples("ping").find((e) => (e["hook"] as Json | undefined)?.["type"] === "Organization");
  if (ping === undefined) throw new Error("@octokit/webhooks-examples lacks an organization ping example");
  templates = {
    byAction: {
      queued: jobExample((e, j) => e["action"] === "queued" && j["status"] === "queued"),
      waiting: jobExample((e) => e["action"] === "waiting"),
      in_progress: jobExample((e) => e["action"] === "in_progress" && "installation" in e),
      completed: jobExample((e) => e["action"] === "completed" && "organization" in e),
    },
    ping,
  };
  return templates;
}

/** Rewrites every string under `value` with the replacements, in order. */
function rewrite(value: unknown, replacements: ReadonlyArray<readonly [string, string]>): unknown {
  if (typeof value === "string") return replacements.reduce((s, [from, to]) => s.split(from).join(to), value);
  if (Array.isArray(value)) return value.map((v) => rewrite(v, replacements));
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, replacements)]));
  return value;
}

export function repositoryJson(site: Site, repo: RepoRef, template: Json): Json {
  const host = new URL(site.url).host;
  const oldFull = String(template["full_name"]);
  const newFull = fullName(repo);
  const rewritten = rewrite(template, [
    [`https://api.github.com/repos/${oldFull}`, `${site.apiUrl}/repos/${newFull}`],
    [`https://github.com/${oldFull}`, `${site.url}/${newFull}`],
    [`git://github.com/${oldFull}`, `git://${host}/${newFull}`],
    [`git@github.com:${oldFull}`, `git@${host}:${newFull}`],
  ]) as Json;
  return {
    ...rewritten,
    id: repo.id,
    node_id: legacyNodeId("Repository", repo.id),
    name: repo.name,
    full_name: newFull,
    private: true,
    visibility: "private",
    owner: userJson(site, repo.owner),
    default_branch: "main",
  };
}

export interface PayloadParties {
  readonly repo: RepoRef;
  readonly installationId: number;
  readonly sender: Account;
}

export function workflowJobPayload(
  site: Site,
  action: WorkflowJobAction,
  job: Job,
  parties: PayloadParties,
  statusOverride?: JobStatus,
): Json {
  const example = loadTemplates().byAction[action];
  const { organization: _organization, deployment: _deployment, ...rest } = example;
  return {
    ...rest,
    action,
    workflow_job: { ...(example["workflow_job"] as Json), ...workflowJobJson(site, job, statusOverride) },
    repository: repositoryJson(site, parties.repo, loadTemplates().byAction.queued["repository"] as Json),
    ...(parties.repo.owner.type === "Organization"
      ? { organization: organizationJson(site, parties.repo.owner) }
      : {}),
    sender: userJson(site, parties.sender),
    installation: {
      id: parties.installationId,
      node_id: legacyNodeId("IntegrationInstallation", parties.installationId),
    },
  };
}

/** The `ping` GitHub sends to an App's webhook URL. */
export function pingPayload(
  site: Site,
  hook: { readonly id: number; readonly appId: number; readonly url: string; readonly createdAtIso: string },
  sender: Account,
): Json {
  const example = loadTemplates().ping;
  return {
    zen: example["zen"],
    hook_id: hook.id,
    hook: {
      type: "App",
      id: hook.id,
      name: "web",
      active: true,
      events: ["workflow_job"],
      config: { content_type: "json", insecure_ssl: "0", secret: "********", url: hook.url },
      updated_at: hook.createdAtIso,
      created_at: hook.createdAtIso,
      app_id: hook.appId,
      url: `${site.apiUrl}/app/hook/config`,
      ping_url: `${site.apiUrl}/app/hook/pings`,
      deliveries_url: `${site.apiUrl}/app/hook/deliveries`,
    },
    sender: userJson(site, sender),
  };
}
