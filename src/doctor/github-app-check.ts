/**
 * `github app`, `github installation`, `github permissions`: the App's JWT is accepted (GET /app),
 * the App is installed where runners register, and that installation may manage runners. The
 * router's variant checks `github app` and then `github deliveries`: the App's webhook delivery
 * log, which it reads to recover missed jobs, can be read. Stops at the first failure, since each
 * step needs the one before. Uses the daemons' own GitHub clients (src/github), with one attempt
 * per request so that doctor answers in seconds; an answer of an unexpected shape is a FAIL that
 * says what GitHub sent, never a crash.
 */
import { systemClock } from "../clock.js";
import { GitHubAppClient, type GitHubAppClientOptions } from "../github/github-app-client.js";
import { GitHubClient } from "../github/github-client.js";
import { GitHubTimeoutError } from "../github/github-request-policy.js";
import type { RunnerScope } from "../github/runner-scope.js";
import { fail, pass, type DoctorCheck } from "./doctor-check.js";
import { describeGitHubError, describeValue } from "./github-answer.js";
import { missingPermissions, PERMISSION_LABELS, requiredPermissions } from "./github-permissions.js";

export interface GitHubAppCheckInput {
  readonly apiUrl: string;
  readonly appId: string;
  readonly privateKeyPem: string;
  readonly scope: RunnerScope;
  /** How long GitHub may take to answer each request (default 20 s). */
  readonly timeoutMs?: number;
}

export type GitHubAppChecker = (input: GitHubAppCheckInput) => Promise<DoctorCheck[]>;

/** The router needs only the App itself, no installation. */
export type RouterGitHubAppCheckInput = Omit<GitHubAppCheckInput, "scope">;
export type RouterGitHubAppChecker = (input: RouterGitHubAppCheckInput) => Promise<DoctorCheck[]>;

function clientOptions(input: RouterGitHubAppCheckInput, userAgent: string): GitHubAppClientOptions {
  return {
    appId: input.appId,
    privateKeyPem: input.privateKeyPem,
    apiUrl: input.apiUrl,
    clock: systemClock,
    userAgent,
    retry: { maxAttempts: 1, attemptTimeoutMs: input.timeoutMs ?? 20_000 },
  };
}

/** `github app`: signs a JWT with the key and asks GitHub for the App (GET /app). */
async function appCheck(
  client: GitHubAppClient,
  input: RouterGitHubAppCheckInput,
): Promise<{ check: DoctorCheck; htmlUrl: string | null } | { check: DoctorCheck; failed: true }> {
  try {
    const info = await client.appInfo();
    const check = pass(
      "github app",
      `App "${info.name ?? input.appId}" (id ${input.appId}) accepted the JWT from github.privateKey`,
    );
    return { check, htmlUrl: info.htmlUrl };
  } catch (error) {
    return { check: appFailure(error, input), failed: true };
  }
}

/** tart-router: the App's JWT is accepted and its webhook delivery log can be read. */
export const checkRouterGitHubApp: RouterGitHubAppChecker = async (input) => {
  const client = new GitHubAppClient(clientOptions(input, "tart-router-doctor"));
  const jwt = await appCheck(client, input);
  if ("failed" in jwt) return [jwt.check];
  try {
    // What the router asks at start, from now: one page of the log, read and parsed as it reads it.
    await client.failedDeliveries(Date.now());
  } catch (error) {
    return [
      jwt.check,
      fail(
        "github deliveries",
        `reading the App's webhook deliveries failed: ${describeGitHubError(error)}`,
        "the App's webhook must be active and point at this router (App settings → Webhook)",
      ),
    ];
  }
  return [
    jwt.check,
    pass(
      "github deliveries",
      "the App's webhook deliveries can be read: jobs queued while the router is down are recovered at start",
    ),
  ];
};

export const checkGitHubApp: GitHubAppChecker = async (input) => {
  const where =
    input.scope.kind === "organization"
      ? `organization ${input.scope.org}`
      : `repository ${input.scope.owner}/${input.scope.repo}`;
  const client = new GitHubClient({ ...clientOptions(input, "tart-executor-doctor"), scope: input.scope });
  const jwt = await appCheck(client, input);
  if ("failed" in jwt) return [jwt.check];
  const checks = [jwt.check];
  let installation: { readonly id: number; readonly permissions: unknown };
  try {
    installation = await client.installation();
  } catch (error) {
    const status = (error as { status?: number }).status;
    const install = jwt.htmlUrl === null ? "the App's public page" : `${jwt.htmlUrl}/installations/new`;
    return status === 404
      ? [
          ...checks,
          fail(
            "github installation",
            `the App is not installed on ${where}`,
            `install it from ${install}; the name must match the GitHub login (github.organizationName / ownerName)`,
          ),
        ]
      : [
          ...checks,
          fail(
            "github installation",
            `looking up the installation on ${where} failed: ${describeGitHubError(error)}`,
          ),
        ];
  }
  checks.push(pass("github installation", `installed on ${where} (installation ${installation.id})`));
  const { permissions } = installation;
  if (typeof permissions !== "object" || permissions === null || Array.isArray(permissions))
    return [
      ...checks,
      fail(
        "github permissions",
        `GitHub's answer for installation ${installation.id} has no permissions object (permissions: ${describeValue(permissions)}), so they cannot be checked`,
        "open the installation's settings on GitHub and check that it was granted the App's permissions; then run doctor again",
      ),
    ];
  const granted = permissions as Readonly<Record<string, unknown>>;
  const required = requiredPermissions(input.scope);
  const missing = missingPermissions(granted, required);
  if (missing.length === 0) {
    const listed = Object.keys(required).map((name) => `${name}: ${String(granted[name])}`);
    return [...checks, pass("github permissions", listed.join(", "))];
  }
  const lacking = missing.map((m) => `${m.name}: ${m.needs} (has ${m.has ?? "none"})`).join(", ");
  const grant = missing.map((m) => PERMISSION_LABELS[m.name] ?? `${m.name}: ${m.needs}`).join("; ");
  return [
    ...checks,
    fail(
      "github permissions",
      `the installation lacks ${lacking}`,
      `in the App's settings grant ${grant}, then accept the new permissions in the installation's settings`,
    ),
  ];
};

function appFailure(error: unknown, input: RouterGitHubAppCheckInput): DoctorCheck {
  const status = (error as { status?: number }).status;
  const answered = (error as { response?: unknown }).response !== undefined;
  if (error instanceof GitHubTimeoutError)
    return fail(
      "github app",
      `cannot reach ${input.apiUrl} (${error.message})`,
      "check github.apiUrl, the network and any proxy",
    );
  // Octokit's RequestError always has a status; anything else failed before a request was sent.
  if (status === undefined)
    return fail(
      "github app",
      `cannot sign the App's JWT with github.privateKey: ${describeGitHubError(error)}`,
      "use the .pem file GitHub generated for the App (App settings → Private keys)",
    );
  if (answered && status === 401)
    return fail(
      "github app",
      `GitHub rejected the App's JWT: ${describeGitHubError(error)}`,
      `check github.appId (${input.appId}) and that github.privateKey is a current key of that App; also check this Mac's clock (a JWT is valid for 10 minutes)`,
    );
  if (!answered)
    return fail(
      "github app",
      `cannot reach ${input.apiUrl} (${describeGitHubError(error)})`,
      "check github.apiUrl, the network and any proxy",
    );
  return fail("github app", `GET /app answered ${String(status)}: ${describeGitHubError(error)}`);
}
