/**
 * Installation access tokens: `ghs_…`, valid one hour, optionally narrowed to some repositories
 * and permissions (never beyond what the installation has, as GitHub enforces with a 422).
 */
import { GitHubError, DOCS } from "./github-error.js";
import { installationTokenValue, isoSeconds } from "./ids.js";
import { coversRepo, type Installation, type PermissionLevel, type Permissions } from "./installations.js";
import type { RepoRef } from "./accounts.js";

export const TOKEN_LIFETIME_MS = 60 * 60 * 1000;

export interface InstallationToken {
  readonly token: string;
  readonly installation: Installation;
  readonly permissions: Permissions;
  /** Lower-cased repository names the token is limited to; undefined = the installation's selection. */
  readonly repositories: ReadonlySet<string> | undefined;
  readonly expiresAtMs: number;
}

export interface TokenRequest {
  readonly repositories?: unknown;
  readonly repository_ids?: unknown;
  readonly permissions?: unknown;
}

const DOCS_URL = `${DOCS.installations}#create-an-installation-access-token-for-an-app`;
const RANK: Record<PermissionLevel, number> = { read: 1, write: 2 };

function narrowPermissions(installation: Installation, requested: unknown): Permissions {
  if (requested === undefined) return installation.permissions;
  if (typeof requested !== "object" || requested === null)
    throw new GitHubError(422, "Invalid request.\n\nFor 'properties/permissions', is not an object.", {
      documentationUrl: DOCS_URL,
    });
  const out: Record<string, PermissionLevel> = {};
  for (const [name, level] of Object.entries(requested as Record<string, unknown>)) {
    const granted = installation.permissions[name];
    if ((level !== "read" && level !== "write") || granted === undefined || RANK[level] > RANK[granted])
      throw new GitHubError(422, "The permissions requested are not granted to this installation.", {
        documentationUrl: DOCS_URL,
      });
    out[name] = level;
  }
  return out;
}

export class InstallationTokens {
  readonly #tokens = new Map<string, InstallationToken>();
  readonly #repoIds: (installation: Installation) => ReadonlyMap<number, string>;

  /** `repoIds` lists the repositories the fake knows for an installation, by id (for `repository_ids`). */
  constructor(repoIds: (installation: Installation) => ReadonlyMap<number, string>) {
    this.#repoIds = repoIds;
  }

  issue(installation: Installation, request: TokenRequest, nowMs: number): InstallationToken {
    const names = new Set<string>();
    const unknownRepo = (): GitHubError =>
      new GitHubError(
        422,
        "There is at least one repository that does not exist or is not accessible to the parent installation.",
        { documentationUrl: DOCS_URL },
      );
    if (request.repositories !== undefined) {
      if (!Array.isArray(request.repositories)) throw unknownRepo();
      for (const name of request.repositories as unknown[]) {
        if (typeof name !== "string" || !coversRepo(installation, name)) throw unknownRepo();
        names.add(name.toLowerCase());
      }
    }
    if (request.repository_ids !== undefined) {
      const known = this.#repoIds(installation);
      if (!Array.isArray(request.repository_ids)) throw unknownRepo();
      for (const id of request.repository_ids as unknown[]) {
        const name = typeof id === "number" ? known.get(id) : undefined;
        if (name === undefined) throw unknownRepo();
        names.add(name.toLowerCase());
      }
    }
    if (names.size > 500)
      throw new GitHubError(422, "Too many repositories requested; the maximum is 500.", {
        documentationUrl: DOCS_URL,
      });
    const token: InstallationToken = {
      token: installationTokenValue(),
      installation,
      permissions: narrowPermissions(installation, request.permissions),
      repositories: names.size > 0 ? names : undefined,
      expiresAtMs: nowMs + TOKEN_LIFETIME_MS,
    };
    this.#tokens.set(token.token, token);
    return token;
  }

  /** The live token, or undefined when unknown or expired (GitHub: 401 Bad credentials). */
  resolve(value: string, nowMs: number): InstallationToken | undefined {
    const token = this.#tokens.get(value);
    return token !== undefined && token.expiresAtMs > nowMs ? token : undefined;
  }
}

export function tokenJson(token: InstallationToken): Record<string, unknown> {
  return {
    token: token.token,
    expires_at: isoSeconds(token.expiresAtMs),
    permissions: { ...token.permissions },
    repository_selection:
      token.repositories === undefined ? token.installation.repositorySelection : "selected",
  };
}

/** Whether the token may act on `repo` (installation selection and token narrowing). */
export function tokenCoversRepo(token: InstallationToken, repo: RepoRef): boolean {
  if (token.installation.account.login.toLowerCase() !== repo.owner.login.toLowerCase()) return false;
  if (!coversRepo(token.installation, repo.name)) return false;
  return token.repositories === undefined || token.repositories.has(repo.name.toLowerCase());
}
