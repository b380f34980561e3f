/**
 * A GitHub client whose JIT runners come from the scale set (`generatejitconfig`,
 * docs/scale-sets.md §5) and whose runner lookups and deletions go to the Actions service's agent
 * routes, so the VM lifecycle stays the same in both modes. Everything else is the REST client's.
 */
import type { GitHubClient, GitHubRunner } from "../github/github-client.js";
import type { ActionsConnection } from "./actions-connection.js";
import { generateScaleSetJitConfig } from "./scale-set-api.js";
import { ScaleSetHttpError } from "./scaleset-http-error.js";

const AGENTS = "_apis/distributedtask/pools/0/agents";

export interface ScaleSetRunnerDeps {
  readonly connection: ActionsConnection;
  /** This host's scale set id (bootstrapping it when needed). */
  readonly scaleSetId: (signal?: AbortSignal) => Promise<number>;
}

export function scaleSetRunners(client: GitHubClient, deps: ScaleSetRunnerDeps): GitHubClient {
  const opts = (signal?: AbortSignal) => (signal === undefined ? {} : { signal });
  const overrides: Partial<GitHubClient> = {
    generateJitConfig: async (request, signal) => {
      const id = await deps.scaleSetId(signal);
      const jit = await generateScaleSetJitConfig(
        deps.connection,
        id,
        { name: request.name, workFolder: request.workFolder },
        signal,
      );
      const runner: GitHubRunner = {
        id: jit.runner.id,
        name: jit.runner.name,
        status: "offline",
        busy: false,
      };
      return { runner, encodedJitConfig: jit.encodedJITConfig };
    },
    findRunnerByName: async (name, signal) => {
      const { body } = await deps.connection.request<{ value?: Array<{ id: number; name: string }> }>(
        "GET",
        `${AGENTS}?agentName=${encodeURIComponent(name)}`,
        { expect: 200, ...opts(signal) },
      );
      const found = body?.value?.[0];
      return found === undefined ? null : { id: found.id, name: found.name, status: "offline", busy: false };
    },
    listRunners: async () => {
      // REST lists what it knows (with busy); the scale set's own agents fill in the rest.
      const rest = await client.listRunners();
      const { body } = await deps.connection.request<{
        value?: Array<{ id: number; name: string; runnerScaleSetId?: number }>;
      }>("GET", AGENTS, { expect: 200 });
      const id = await deps.scaleSetId();
      const known = new Set(rest.map((r) => r.id));
      const agents = (body?.value ?? [])
        .filter((a) => a.runnerScaleSetId === id && !known.has(a.id))
        .map((a) => ({ id: a.id, name: a.name, status: "offline", busy: false }));
      return [...rest, ...agents];
    },
    deleteRunner: async (id, signal) => {
      try {
        await deps.connection.request("DELETE", `${AGENTS}/${id}`, { expect: 204, ...opts(signal) });
        return "deleted";
      } catch (error) {
        // Not a scale-set agent: a registration of the REST API (webhook mode, an older run).
        if (error instanceof ScaleSetHttpError && error.status === 404)
          return client.deleteRunner(id, signal);
        if (error instanceof ScaleSetHttpError && error.typeName?.includes("JobStillRunning") === true)
          return "busy";
        throw error;
      }
    },
  };
  return new Proxy(client, {
    get(target, prop, _receiver) {
      if (typeof prop === "string" && prop in overrides) return overrides[prop as keyof GitHubClient];
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
