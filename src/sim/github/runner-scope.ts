/**
 * Where a self-hosted runner is registered: an organization or a single repository. Runner
 * groups belong to the organization; repository runners always sit in the Default group (id 1).
 */
import { fullName, type Account, type RepoRef, type Site } from "./accounts.js";

export type RunnerScope =
  { readonly kind: "org"; readonly org: Account } | { readonly kind: "repo"; readonly repo: RepoRef };

export interface RunnerGroup {
  readonly id: number;
  readonly name: string;
  readonly isDefault: boolean;
  readonly visibility: "all" | "selected" | "private";
  readonly allowsPublicRepositories: boolean;
}

export interface RunnerGroupOption {
  readonly id: number;
  readonly name: string;
  /** Only in this organization (login); every organization when absent. */
  readonly org?: string;
  readonly visibility?: "all" | "selected" | "private";
}

export const DEFAULT_GROUP: RunnerGroup = {
  id: 1,
  name: "Default",
  isDefault: true,
  visibility: "all",
  allowsPublicRepositories: true,
};

export function scopeKey(scope: RunnerScope): string {
  return scope.kind === "org"
    ? `org:${scope.org.login.toLowerCase()}`
    : `repo:${fullName(scope.repo).toLowerCase()}`;
}

/** The org or repo URL a runner is configured with (`config.sh --url`). */
export function scopeUrl(site: Site, scope: RunnerScope): string {
  return scope.kind === "org" ? `${site.url}/${scope.org.login}` : `${site.url}/${fullName(scope.repo)}`;
}

/** The runner groups usable in a scope. */
export function groupsFor(scope: RunnerScope, configured: readonly RunnerGroupOption[]): RunnerGroup[] {
  if (scope.kind === "repo") return [DEFAULT_GROUP];
  const login = scope.org.login.toLowerCase();
  const extra = configured
    .filter((g) => g.org === undefined || g.org.toLowerCase() === login)
    .map((g) => ({
      id: g.id,
      name: g.name,
      isDefault: false,
      visibility: g.visibility ?? "all",
      allowsPublicRepositories: false,
    }));
  return [DEFAULT_GROUP, ...extra];
}

/** Whether a runner in `scope` may take a job of `repo` (org runners serve the org's repositories). */
export function scopeServesRepo(scope: RunnerScope, repo: RepoRef): boolean {
  if (scope.kind === "repo") return fullName(scope.repo).toLowerCase() === fullName(repo).toLowerCase();
  return (
    repo.owner.type === "Organization" && repo.owner.login.toLowerCase() === scope.org.login.toLowerCase()
  );
}
