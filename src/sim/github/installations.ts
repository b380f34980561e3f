/**
 * The App's installations: which accounts it is installed on, on which repositories, with which
 * permissions, and their REST representation (every field the `installation` schema requires).
 * Logins compare case-insensitively, as on GitHub.
 */
import { accountFor, userJson, type Account, type Site } from "./accounts.js";
import { isoSeconds } from "./ids.js";

export type PermissionLevel = "read" | "write";
export type Permissions = Readonly<Record<string, PermissionLevel>>;

export interface InstallationOptions {
  readonly id: number;
  readonly account: { readonly login: string; readonly id?: number; readonly type: "Organization" | "User" };
  /** Repository names (`name` or `owner/name`); absent means all repositories of the account. */
  readonly repositories?: readonly string[];
  readonly permissions?: Permissions;
  readonly events?: readonly string[];
}

export interface Installation {
  readonly id: number;
  readonly account: Account;
  readonly repositorySelection: "all" | "selected";
  /** Lower-cased repository names when the selection is `selected`. */
  readonly repositories: ReadonlySet<string>;
  readonly permissions: Permissions;
  readonly events: readonly string[];
  readonly createdAtMs: number;
}

/** What §2.4 of the GitHub notes says a runner-managing App needs. */
export function defaultPermissions(type: "Organization" | "User"): Permissions {
  return type === "Organization"
    ? {
        actions: "read",
        administration: "write",
        metadata: "read",
        organization_self_hosted_runners: "write",
      }
    : { actions: "read", administration: "write", metadata: "read" };
}

export const sameLogin = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export class Installations {
  readonly #byId = new Map<number, Installation>();

  constructor(options: readonly InstallationOptions[], nowMs: number) {
    for (const option of options) {
      const account = accountFor(option.account.login, option.account.type, option.account.id);
      const repos = (option.repositories ?? []).map((r) => (r.split("/").at(-1) ?? r).toLowerCase());
      this.#byId.set(option.id, {
        id: option.id,
        account,
        repositorySelection: option.repositories === undefined ? "all" : "selected",
        repositories: new Set(repos),
        permissions: option.permissions ?? defaultPermissions(account.type),
        events: option.events ?? ["workflow_job"],
        createdAtMs: nowMs,
      });
    }
  }

  list(): Installation[] {
    return [...this.#byId.values()].sort((a, b) => a.id - b.id);
  }

  get(id: number): Installation | undefined {
    return this.#byId.get(id);
  }

  byAccount(login: string, type?: "Organization" | "User"): Installation | undefined {
    return this.list().find(
      (i) => sameLogin(i.account.login, login) && (type === undefined || i.account.type === type),
    );
  }

  /** The installation whose account owns `owner/repo` and whose selection includes it. */
  forRepo(owner: string, repo: string): Installation | undefined {
    const installation = this.byAccount(owner);
    return installation !== undefined && coversRepo(installation, repo) ? installation : undefined;
  }
}

export function coversRepo(installation: Installation, repo: string): boolean {
  return installation.repositorySelection === "all" || installation.repositories.has(repo.toLowerCase());
}

export function installationJson(
  site: Site,
  installation: Installation,
  app: { readonly id: number; readonly slug: string; readonly clientId: string },
): Record<string, unknown> {
  const { account } = installation;
  const created = isoSeconds(installation.createdAtMs);
  return {
    id: installation.id,
    client_id: app.clientId,
    account: userJson(site, account),
    repository_selection: installation.repositorySelection,
    access_tokens_url: `${site.apiUrl}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${site.apiUrl}/installation/repositories`,
    html_url:
      account.type === "Organization"
        ? `${site.url}/organizations/${account.login}/settings/installations/${installation.id}`
        : `${site.url}/settings/installations/${installation.id}`,
    app_id: app.id,
    app_slug: app.slug,
    target_id: account.id,
    target_type: account.type,
    permissions: { ...installation.permissions },
    events: [...installation.events],
    created_at: created,
    updated_at: created,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}
