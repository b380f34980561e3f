/**
 * An in-memory GitHubPort: runner groups, runner registrations (JIT or by registration token) and
 * their removal, answering as the fake GitHub server does (404 without a JIT endpoint, a taken
 * name replaced, 422 "busy" for a runner mid-job). The contract suite
 * (test/contract/github-port.test.ts) holds it to the real client against src/sim/github.
 */
import type { GitHubPort } from "../../../../src/executor/ports.js";
import type { GitHubRunner } from "../../../../src/github/github-client.js";

class StatusError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export class FakeGitHub implements GitHubPort {
  readonly runners = new Map<number, GitHubRunner & { labels: readonly string[]; jit: boolean }>();
  readonly groups = new Map<string, number>([["default", 1]]);
  /** Secrets handed out (JIT configs and registration tokens), in order. */
  readonly secrets: string[] = [];
  readonly calls: string[] = [];
  /** GHES before 3.10 has no generate-jitconfig endpoint (404). */
  jitAvailable = true;
  #nextId = 1;

  readonly org: string;

  constructor(org = "acme") {
    this.org = org;
  }

  get runnerUrl(): string {
    return `https://github.com/${this.org}`;
  }

  async runnerGroupId(name: string | null): Promise<number> {
    this.calls.push(`runnerGroupId ${name ?? "default"}`);
    await Promise.resolve();
    const id = this.groups.get((name ?? "default").toLowerCase());
    if (id === undefined) throw new Error(`runner group "${name}" does not exist in ${this.org}`);
    return id;
  }

  async generateJitConfig(
    request: { name: string; labels: readonly string[]; runnerGroupId: number; workFolder: string },
    signal?: AbortSignal,
  ): Promise<{ runner: GitHubRunner; encodedJitConfig: string }> {
    this.#call(`generateJitConfig ${request.name}`, signal);
    await Promise.resolve();
    if (!this.jitAvailable) throw new StatusError(404, "Not Found");
    // A taken name: the client removes the stale runner and asks again (github-api.md §3.3).
    for (const [id, runner] of this.runners) if (runner.name === request.name) this.runners.delete(id);
    const runner = { id: this.#nextId++, name: request.name, status: "offline", busy: false };
    this.runners.set(runner.id, { ...runner, labels: request.labels, jit: true });
    const encodedJitConfig = Buffer.from(JSON.stringify({ runner: runner.id, name: runner.name })).toString(
      "base64",
    );
    this.secrets.push(encodedJitConfig);
    return { runner, encodedJitConfig };
  }

  async createRegistrationToken(signal?: AbortSignal): Promise<{ token: string; expiresAt: number }> {
    this.#call("createRegistrationToken", signal);
    await Promise.resolve();
    const token = `AREGTOKEN${this.secrets.length}`.padEnd(29, "X");
    this.secrets.push(token);
    return { token, expiresAt: Date.now() + 3_600_000 };
  }

  /** What `config.sh` does with a registration token: a runner appears under `name`. */
  configure(name: string, labels: readonly string[]): GitHubRunner {
    const runner = { id: this.#nextId++, name, status: "online", busy: false };
    this.runners.set(runner.id, { ...runner, labels, jit: false });
    return runner;
  }

  async findRunnerByName(name: string, signal?: AbortSignal): Promise<GitHubRunner | null> {
    this.#call(`findRunnerByName ${name}`, signal);
    await Promise.resolve();
    for (const runner of this.runners.values())
      if (runner.name === name) return { id: runner.id, name, status: runner.status, busy: runner.busy };
    return null;
  }

  async deleteRunner(id: number, signal?: AbortSignal): Promise<"deleted" | "not-found" | "busy"> {
    this.#call(`deleteRunner ${id}`, signal);
    await Promise.resolve();
    const runner = this.runners.get(id);
    if (runner === undefined) return "not-found";
    if (runner.busy) return "busy";
    this.runners.delete(id);
    return "deleted";
  }

  #call(call: string, signal: AbortSignal | undefined): void {
    this.calls.push(call);
    signal?.throwIfAborted();
  }
}
