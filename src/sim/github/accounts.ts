/**
 * Accounts (users and organizations) and repositories as GitHub renders them. URLs point at the
 * fake: API URLs under `apiUrl`, web URLs under `url`, the way a GHES instance would render them.
 */
import { legacyNodeId, stableId } from "./ids.js";

export interface Site {
  /** Web base, e.g. `http://127.0.0.1:4567`. */
  readonly url: string;
  /** REST base, `${url}/api/v3`. */
  readonly apiUrl: string;
}

export type AccountType = "Organization" | "User";

export interface Account {
  readonly login: string;
  readonly id: number;
  readonly type: AccountType;
}

export function accountFor(login: string, type: AccountType, id?: number): Account {
  return { login, type, id: id ?? stableId(`${type}:${login}`) };
}

/** The `simple-user` shape (REST) which is also the webhook `user` shape. */
export function userJson(site: Site, account: Account): Record<string, unknown> {
  const api = `${site.apiUrl}/users/${account.login}`;
  return {
    login: account.login,
    id: account.id,
    node_id: legacyNodeId(account.type, account.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${account.id}?v=4`,
    gravatar_id: "",
    url: api,
    html_url: `${site.url}/${account.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: account.type,
    site_admin: false,
  };
}

/** The webhook `organization` shape. */
export function organizationJson(site: Site, account: Account): Record<string, unknown> {
  const api = `${site.apiUrl}/orgs/${account.login}`;
  return {
    login: account.login,
    id: account.id,
    node_id: legacyNodeId("Organization", account.id),
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${account.id}?v=4`,
    description: "",
  };
}

export interface RepoRef {
  readonly owner: Account;
  readonly name: string;
  readonly id: number;
}

export function repoRef(owner: Account, name: string): RepoRef {
  return { owner, name, id: stableId(`repo:${owner.login}/${name}`) };
}

export const fullName = (repo: RepoRef): string => `${repo.owner.login}/${repo.name}`;
