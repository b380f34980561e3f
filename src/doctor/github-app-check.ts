/**
 * `github app`, `github installation`, `github permissions`: the App's JWT is accepted (GET /app),
 * the App is installed where runners register, and that installation may manage runners. The
 * router's variant checks `github app` and then `github deliveries`: the App's webhook delivery
 * log, which it reads to recover missed jobs, can be read. Stops at the first failure, since each
 * step needs the one before. Built on @octokit/app like the daemons, but without retries: doctor
 * should answer in seconds.
 */
import { App } from "@octokit/app";
import { Octokit } from "@octokit/rest";
import type { RunnerScope } from "../github/runner-scope.js";
import { fail, pass, type DoctorCheck } from "./doctor-check.js";
import { missingPermissions, PERMISSION_LABELS, requiredPermissions } from "./github-permissions.js";

export interface GitHubAppCheckInput {
  readonly apiUrl: string;
  readonly appId: string;
  readonly privateKeyPem: string;
  readonly scope: RunnerScope;
  readonly timeoutMs?: number;
}

export type GitHubAppChecker = (input: GitHubAppCheckInput) => Promise<DoctorCheck[]>;

/** The router needs only the App itself, no installation. */
export type RouterGitHubAppCheckInput = Omit<GitHubAppCheckInput, "scope">;
export type RouterGitHubAppChecker = (input: RouterGitHubAppCheckInput) => Promise<DoctorCheck[]>;

interface AppInfo {
  readonly name?: string;
  readonly html_url?: string;
}

/** `github app`: signs a JWT with the key and asks GitHub for the App (GET /app). */
async function appCheck(
  input: RouterGitHubAppCheckInput,
  userAgent: string,
): Promise<
  { check: DoctorCheck; app: App<{ Octokit: typeof Octokit }>; info: AppInfo } | { check: DoctorCheck }
> {
  const signal = AbortSignal.timeout(input.timeoutMs ?? 20_000);
  const Client = Octokit.defaults({
    baseUrl: input.apiUrl,
    userAgent,
    request: { signal },
    // Octokit's request log would print every failed request next to the report; the report says it.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  try {
    const app = new App({ appId: input.appId, privateKey: input.privateKeyPem, Octokit: Client });
    const info = (await app.octokit.request("GET /app")).data as AppInfo;
    const check = pass(
      "github app",
      `App "${info.name ?? input.appId}" (id ${input.appId}) accepted the JWT from github.privateKey`,
    );
    return { check, app, info };
  } catch (error) {
    return { check: appFailure(error, input) };
  }
}

/** tart-router: the App's JWT is accepted and its webhook delivery log can be read. */
export const checkRouterGitHubApp: RouterGitHubAppChecker = async (input) => {
  const jwt = await appCheck(input, "tart-router-doctor");
  if (!("app" in jwt)) return [jwt.check];
  try {
    await jwt.app.octokit.request("GET /app/hook/deliveries", { per_page: 1 });
  } catch (error) {
    return [
      jwt.check,
      fail(
        "github deliveries",
        `reading the App's webhook deliveries failed: ${describe(error)}`,
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
  const jwt = await appCheck(input, "tart-executor-doctor");
  if (!("app" in jwt)) return [jwt.check];
  const { app, info } = jwt;
  const checks = [jwt.check];
  let installation: { id: number; permissions: Record<string, unknown> };
  try {
    const response =
      input.scope.kind === "organization"
        ? await app.octokit.request("GET /orgs/{org}/installation", { org: input.scope.org })
        : await app.octokit.request("GET /repos/{owner}/{repo}/installation", {
            owner: input.scope.owner,
            repo: input.scope.repo,
          });
    installation = response.data as unknown as typeof installation;
  } catch (error) {
    const status = (error as { status?: number }).status;
    const install =
      info.html_url === undefined ? "the App's public page" : `${info.html_url}/installations/new`;
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
          fail("github installation", `looking up the installation on ${where} failed: ${describe(error)}`),
        ];
  }
  checks.push(pass("github installation", `installed on ${where} (installation ${installation.id})`));
  const required = requiredPermissions(input.scope);
  const missing = missingPermissions(installation.permissions, required);
  if (missing.length === 0) {
    const granted = Object.entries(required).map(
      ([name]) => `${name}: ${String(installation.permissions[name])}`,
    );
    return [...checks, pass("github permissions", granted.join(", "))];
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
  const status = (error as { status?: number; response?: unknown }).status;
  const answered = (error as { response?: unknown }).response !== undefined;
  // Octokit's RequestError always has a status; anything else failed before a request was sent.
  if (status === undefined)
    return fail(
      "github app",
      `cannot sign the App's JWT with github.privateKey: ${describe(error)}`,
      "use the .pem file GitHub generated for the App (App settings → Private keys)",
    );
  if (answered && status === 401)
    return fail(
      "github app",
      `GitHub rejected the App's JWT: ${describe(error)}`,
      `check github.appId (${input.appId}) and that github.privateKey is a current key of that App; also check this Mac's clock (a JWT is valid for 10 minutes)`,
    );
  if (!answered)
    return fail(
      "github app",
      `cannot reach ${input.apiUrl} (${describe(error)})`,
      "check github.apiUrl, the network and any proxy",
    );
  return fail("github app", `GET /app answered ${String(status)}: ${describe(error)}`);
}

function describe(error: unknown): string {
  const data = (error as { response?: { data?: { message?: unknown } } }).response?.data;
  if (typeof data?.message === "string") return data.message;
  return error instanceof Error ? error.message : String(error);
}
