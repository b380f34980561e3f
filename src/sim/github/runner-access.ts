/**
 * Access rules of the runner endpoints: an installation token whose installation covers the
 * organization or repository, with `organization_self_hosted_runners` (org) or `administration`
 * (repo) at the needed level — else 403 `Resource not accessible by integration` (or 404 for a
 * repository the token cannot see, as GitHub hides those).
 */
import type { FastifyRequest } from "fastify";
import { repoRef } from "./accounts.js";
import { notAccessible, notFound } from "./github-error.js";
import type { InstallationToken } from "./installation-tokens.js";
import { tokenCoversRepo } from "./installation-tokens.js";
import { sameLogin, type PermissionLevel } from "./installations.js";
import { requireInstallation } from "./request-auth.js";
import { principalOf } from "./request-context.js";
import type { RunnerScope } from "./runner-scope.js";
import type { World } from "./world.js";

export interface ScopeParams {
  readonly org?: string;
  readonly owner?: string;
  readonly repo?: string;
}

const RANK: Record<PermissionLevel, number> = { read: 1, write: 2 };

/** Checks one permission of the token (403 with GitHub's `x-accepted-github-permissions`). */
export function requirePermission(
  token: InstallationToken,
  name: string,
  level: PermissionLevel,
  docs: string,
): void {
  const granted = token.permissions[name];
  if (granted === undefined || RANK[granted] < RANK[level]) throw notAccessible(docs, `${name}=${level}`);
}

export function runnerScopeOf(
  world: World,
  request: FastifyRequest,
  params: ScopeParams,
  level: PermissionLevel,
  docs: string,
): { readonly scope: RunnerScope; readonly token: InstallationToken } {
  const token = requireInstallation(principalOf(request), docs);
  const account = token.installation.account;
  if (params.org !== undefined) {
    if (!sameLogin(account.login, params.org) || account.type !== "Organization") throw notAccessible(docs);
    requirePermission(token, "organization_self_hosted_runners", level, docs);
    return { scope: { kind: "org", org: account }, token };
  }
  const name = params.repo ?? "";
  if (!sameLogin(account.login, params.owner ?? "") || !tokenCoversRepo(token, repoRef(account, name)))
    throw notFound(docs);
  const repo = world.repos.ref(account, name);
  requirePermission(token, "administration", level, docs);
  return { scope: { kind: "repo", repo }, token };
}

/** Registers a handler under both the organization and the repository variant of a runner path. */
export const scopedPaths = (suffix: string): string[] => [
  `/orgs/:org/actions/${suffix}`,
  `/repos/:owner/:repo/actions/${suffix}`,
];
