/**
 * The GitHub adapter: the only code that talks to GitHub. Authenticates as the GitHub App (JWT via
 * @octokit/app; the App's own endpoints are in github-app-client.ts), finds the installation for
 * the runner scope, keeps installation tokens cached, and wraps the runner endpoints we use
 * (github-api.md §2–§3). Every request goes through the retry policy in github-request-policy.ts.
 */
import { z } from "zod";
import { GitHubAppClient, type GitHubAppClientOptions } from "./github-app-client.js";
import { InstallationTokenCache } from "./installation-token-cache.js";
import { runnerConfigUrl, scopePath, type RunnerScope } from "./runner-scope.js";

export interface GitHubClientOptions extends GitHubAppClientOptions {
  readonly scope: RunnerScope;
  /** Told about every secret GitHub hands out (installation and registration tokens, JIT configs), for log redaction. */
  readonly onSecret?: (value: string) => void;
}

export interface GitHubRunner {
  readonly id: number;
  readonly name: string;
  readonly status: string;
  readonly busy: boolean;
}

const runnerSchema = z.object({ id: z.number(), name: z.string(), status: z.string(), busy: z.boolean() });
const tokenSchema = z.object({ token: z.string(), expires_at: z.string() });
const jitSchema = z.object({ runner: runnerSchema, encoded_jit_config: z.string() });
const downloadsSchema = z.array(
  z.object({
    os: z.string(),
    architecture: z.string(),
    download_url: z.string(),
    filename: z.string(),
    sha256_checksum: z.string().optional(),
  }),
);

export class GitHubClient extends GitHubAppClient {
  readonly #options: GitHubClientOptions;
  readonly #tokens: InstallationTokenCache;
  #installationId: Promise<number> | undefined;
  #groupIds = new Map<string, Promise<number>>();

  constructor(options: GitHubClientOptions) {
    super(options);
    this.#options = options;
    this.#tokens = new InstallationTokenCache({
      clock: options.clock,
      fetch: async (id) => {
        const response = await this.app.octokit.request(
          "POST /app/installations/{installation_id}/access_tokens",
          {
            installation_id: id,
          },
        );
        const body = tokenSchema.parse(response.data);
        options.onSecret?.(body.token);
        return { token: body.token, expiresAt: Date.parse(body.expires_at) };
      },
    });
  }

  /** The `--url` for registration-token runners. */
  get runnerUrl(): string {
    return runnerConfigUrl(this.#options.apiUrl, this.#options.scope);
  }

  /**
   * The App's installation on the scope's account (GitHub matches the login case-insensitively):
   * its id, and its permissions exactly as GitHub sent them (undefined when the answer has none),
   * for the caller to judge.
   */
  async installation(): Promise<{ readonly id: number; readonly permissions: unknown }> {
    const scope = this.#options.scope;
    const response =
      scope.kind === "organization"
        ? await this.app.octokit.request("GET /orgs/{org}/installation", { org: scope.org })
        : await this.app.octokit.request("GET /repos/{owner}/{repo}/installation", {
            owner: scope.owner,
            repo: scope.repo,
          });
    const body = z.object({ id: z.number(), permissions: z.unknown().optional() }).parse(response.data);
    return { id: body.id, permissions: body.permissions };
  }

  /** The installation's id, asked once (installation()). */
  installationId(): Promise<number> {
    this.#installationId ??= (async () => (await this.installation()).id)().catch((error: unknown) => {
      this.#installationId = undefined;
      throw error;
    });
    return this.#installationId;
  }

  /** The runner group's id; repo scope always uses the Default group (id 1). */
  runnerGroupId(name: string | null): Promise<number> {
    const scope = this.#options.scope;
    if (scope.kind === "repo" || name === null || name === "" || name.toLowerCase() === "default")
      return Promise.resolve(1);
    const key = name.toLowerCase();
    let id = this.#groupIds.get(key);
    if (id === undefined) {
      id = this.#request("GET", `/orgs/${encodeURIComponent(scope.org)}/actions/runner-groups`, {
        per_page: 100,
      })
        .then((data) => {
          const groups = z
            .object({ runner_groups: z.array(z.object({ id: z.number(), name: z.string() })) })
            .parse(data);
          const group = groups.runner_groups.find((candidate) => candidate.name.toLowerCase() === key);
          if (group === undefined) throw new Error(`runner group "${name}" does not exist in ${scope.org}`);
          return group.id;
        })
        .catch((error: unknown) => {
          this.#groupIds.delete(key);
          throw error;
        });
      this.#groupIds.set(key, id);
    }
    return id;
  }

  /**
   * A single-use JIT runner registration. A 409 (name taken, e.g. left over from a crash) is
   * resolved by deleting the stale runner and trying once more (github-api.md §3.3).
   */
  async generateJitConfig(
    request: {
      name: string;
      labels: readonly string[];
      runnerGroupId: number;
      workFolder: string;
    },
    signal?: AbortSignal,
  ): Promise<{ runner: GitHubRunner; encodedJitConfig: string }> {
    const body = {
      name: request.name,
      labels: [...request.labels],
      runner_group_id: request.runnerGroupId,
      work_folder: request.workFolder,
    };
    const path = `/${scopePath(this.#options.scope)}/actions/runners/generate-jitconfig`;
    const generate = async (): Promise<{ runner: GitHubRunner; encodedJitConfig: string }> => {
      const data = jitSchema.parse(await this.#request("POST", path, body, signal));
      this.#options.onSecret?.(data.encoded_jit_config);
      return { runner: data.runner, encodedJitConfig: data.encoded_jit_config };
    };
    try {
      return await generate();
    } catch (error) {
      if ((error as { status?: number }).status !== 409) throw error;
      const stale = await this.findRunnerByName(request.name, signal);
      if (stale !== null) await this.deleteRunner(stale.id, signal);
      return generate();
    }
  }

  async createRegistrationToken(signal?: AbortSignal): Promise<{ token: string; expiresAt: number }> {
    const path = `/${scopePath(this.#options.scope)}/actions/runners/registration-token`;
    const data = tokenSchema.parse(await this.#request("POST", path, {}, signal));
    this.#options.onSecret?.(data.token);
    return { token: data.token, expiresAt: Date.parse(data.expires_at) };
  }

  async findRunnerByName(name: string, signal?: AbortSignal): Promise<GitHubRunner | null> {
    const path = `/${scopePath(this.#options.scope)}/actions/runners`;
    const data = z
      .object({ runners: z.array(runnerSchema) })
      .parse(await this.#request("GET", path, { name, per_page: 100 }, signal));
    return data.runners.find((runner) => runner.name === name) ?? null;
  }

  /** All runners of the scope (paginated, 100 per page). */
  async listRunners(): Promise<GitHubRunner[]> {
    const path = `/${scopePath(this.#options.scope)}/actions/runners`;
    const runners: GitHubRunner[] = [];
    for (let page = 1; page <= 100; page += 1) {
      const data = z
        .object({ total_count: z.number(), runners: z.array(runnerSchema) })
        .parse(await this.#request("GET", path, { per_page: 100, page }));
      runners.push(...data.runners);
      if (data.runners.length < 100 || runners.length >= data.total_count) break;
    }
    return runners;
  }

  /** Removes a registration: `deleted`, `not-found` (already gone) or `busy` (422, runner mid-job). */
  async deleteRunner(id: number, signal?: AbortSignal): Promise<"deleted" | "not-found" | "busy"> {
    try {
      await this.#request("DELETE", `/${scopePath(this.#options.scope)}/actions/runners/${id}`, {}, signal);
      return "deleted";
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 404) return "not-found";
      if (status === 422) return "busy";
      throw error;
    }
  }

  /** Where to download the runner for `os`/`arch` (e.g. osx/arm64). */
  async runnerDownload(
    os: string,
    arch: string,
  ): Promise<{ url: string; filename: string; sha256: string | null }> {
    const path = `/${scopePath(this.#options.scope)}/actions/runners/downloads`;
    const downloads = downloadsSchema.parse(await this.#request("GET", path, {}));
    const entry = downloads.find((candidate) => candidate.os === os && candidate.architecture === arch);
    if (entry === undefined) throw new Error(`GitHub offers no runner download for ${os}/${arch}`);
    return { url: entry.download_url, filename: entry.filename, sha256: entry.sha256_checksum ?? null };
  }

  /**
   * Sends a request with the installation token, refreshing it once if GitHub answers 401.
   * `signal` ends it (and its retries) at once.
   */
  async #request(
    method: string,
    path: string,
    params: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const installationId = await this.installationId();
    for (let attempt = 1; ; attempt += 1) {
      const { token } = await this.#tokens.get(installationId);
      const client = new this.Client({ auth: token });
      try {
        const response = await client.request(
          `${method} ${path}`,
          signal === undefined ? params : { ...params, request: { signal } },
        );
        return response.data;
      } catch (error) {
        if ((error as { status?: number }).status === 401 && attempt === 1) {
          this.#tokens.invalidate(installationId);
          continue;
        }
        throw error;
      }
    }
  }
}
