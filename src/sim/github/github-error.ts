/**
 * GitHub's REST error bodies: `{ message, documentation_url, status }` (the string `status` field
 * appeared in 2024 responses and is allowed by the `basic-error` schema). Route handlers throw a
 * GitHubError; the server's error handler turns it into the answer in one place.
 */
export const DOCS_ROOT = "https://docs.github.com/rest";

/** Documentation links GitHub puts into error bodies of the endpoints the fake serves. */
export const DOCS = {
  root: DOCS_ROOT,
  installations: `${DOCS_ROOT}/apps/apps`,
  runners: `${DOCS_ROOT}/actions/self-hosted-runners`,
  runnerGroups: `${DOCS_ROOT}/actions/self-hosted-runner-groups`,
  jobs: `${DOCS_ROOT}/actions/workflow-jobs#get-a-job-for-a-workflow-run`,
  hookDeliveries: `${DOCS_ROOT}/apps/webhooks`,
  rateLimits: "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api",
} as const;

export interface GitHubErrorOptions {
  readonly documentationUrl?: string;
  /** For 422 validation errors (`validation-error-simple`). */
  readonly errors?: readonly string[];
  readonly headers?: Readonly<Record<string, string>>;
}

export class GitHubError extends Error {
  readonly status: number;
  readonly documentationUrl: string;
  readonly errors: readonly string[] | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, message: string, options: GitHubErrorOptions = {}) {
    super(message);
    this.name = "GitHubError";
    this.status = status;
    this.documentationUrl = options.documentationUrl ?? DOCS_ROOT;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }

  body(): Record<string, unknown> {
    return {
      message: this.message,
      documentation_url: this.documentationUrl,
      ...(this.errors === undefined ? {} : { errors: this.errors }),
      status: String(this.status),
    };
  }
}

export const badCredentials = (): GitHubError => new GitHubError(401, "Bad credentials");
export const requiresAuthentication = (docs: string = DOCS_ROOT): GitHubError =>
  new GitHubError(401, "Requires authentication", { documentationUrl: docs });
export const notFound = (docs: string = DOCS_ROOT): GitHubError =>
  new GitHubError(404, "Not Found", { documentationUrl: docs });
export const notAccessible = (docs: string, accepted?: string): GitHubError =>
  new GitHubError(403, "Resource not accessible by integration", {
    documentationUrl: docs,
    ...(accepted === undefined ? {} : { headers: { "x-accepted-github-permissions": accepted } }),
  });
/** GitHub's JSON-schema validation wording for request bodies. */
export const invalidRequest = (detail: string, docs: string): GitHubError =>
  new GitHubError(422, `Invalid request.\n\n${detail}`, { documentationUrl: docs });
