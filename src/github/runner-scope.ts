/** Where our runners are registered: an organization or one repository. */
export type RunnerScope =
  | { readonly kind: "organization"; readonly org: string }
  | { readonly kind: "repo"; readonly owner: string; readonly repo: string };

/** The scope as tart-executor.yaml spells it (`runnerScope` plus the names that scope needs). */
export type ConfiguredRunnerScope =
  | { readonly runnerScope: "organization"; readonly organizationName: string }
  | { readonly runnerScope: "repo"; readonly ownerName: string; readonly repositoryName: string };

export function runnerScopeOf(configured: ConfiguredRunnerScope): RunnerScope {
  return configured.runnerScope === "organization"
    ? { kind: "organization", org: configured.organizationName }
    : { kind: "repo", owner: configured.ownerName, repo: configured.repositoryName };
}

/** The REST path prefix of the scope's runner endpoints (`orgs/acme` or `repos/acme/app`). */
export function scopePath(scope: RunnerScope): string {
  return scope.kind === "organization"
    ? `orgs/${encodeURIComponent(scope.org)}`
    : `repos/${encodeURIComponent(scope.owner)}/${encodeURIComponent(scope.repo)}`;
}

/**
 * The `--url` a registration-token runner is configured with, derived from the API base the way the
 * runner derives it back (github-api.md §3.1): api.github.com → github.com, `https://HOST/api/v3` → HOST.
 */
export function runnerConfigUrl(apiUrl: string, scope: RunnerScope): string {
  const api = new URL(apiUrl);
  let web: string;
  if (api.hostname === "api.github.com") web = "https://github.com";
  else if (api.hostname.startsWith("api.") && api.hostname.endsWith(".ghe.com"))
    web = `${api.protocol}//${api.hostname.slice(4)}`;
  else web = `${api.protocol}//${api.host}`;
  const path = scope.kind === "organization" ? scope.org : `${scope.owner}/${scope.repo}`;
  return `${web}/${path}`;
}
