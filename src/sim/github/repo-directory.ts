/**
 * Repositories the fake knows (from installation selections, jobs and runner scopes), keyed
 * case-insensitively, so one repository always has one id and one spelling.
 */
import { fullName, repoRef, type Account, type RepoRef } from "./accounts.js";

export class RepoDirectory {
  readonly #repos = new Map<string, RepoRef>();

  /** The known repository, or a new entry spelled as given. */
  ref(owner: Account, name: string): RepoRef {
    const key = `${owner.login}/${name}`.toLowerCase();
    let repo = this.#repos.get(key);
    if (repo === undefined) {
      repo = repoRef(owner, name);
      this.#repos.set(key, repo);
    }
    return repo;
  }

  /** Known repositories of one account, by id. */
  idsOf(owner: Account): ReadonlyMap<number, string> {
    const out = new Map<number, string>();
    for (const repo of this.#repos.values())
      if (repo.owner.login.toLowerCase() === owner.login.toLowerCase()) out.set(repo.id, repo.name);
    return out;
  }

  all(): RepoRef[] {
    return [...this.#repos.values()].sort((a, b) => fullName(a).localeCompare(fullName(b)));
  }
}
