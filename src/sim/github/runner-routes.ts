/**
 * Reading and deleting runners of a scope: list (with `name` filter and Link pagination), get,
 * delete (422 while busy), labels, the runner application downloads and the org's runner groups.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { DOCS, GitHubError, notFound } from "./github-error.js";
import { paginate, type PageRequest } from "./pagination.js";
import { requestUrl } from "./request-context.js";
import { runnerScopeOf, scopedPaths, type ScopeParams } from "./runner-access.js";
import { runnerJson, type Runner } from "./runner-registry.js";
import { groupsFor, scopeKey, type RunnerGroup } from "./runner-scope.js";
import type { World } from "./world.js";

type RunnerParams = ScopeParams & { readonly runner_id: string };
const where = (params: ScopeParams): string =>
  params.org !== undefined ? "an-organization" : "a-repository";
const paged = (reply: FastifyReply, link: string | undefined): void => {
  if (link !== undefined) void reply.header("link", link);
};

export function registerRunnerRoutes(app: FastifyInstance, world: World): void {
  const runnerIn = (params: RunnerParams, key: string, docs: string): Runner => {
    const runner = world.registry.get(Number(params.runner_id));
    if (runner === undefined || runner.scopeKey !== key) throw notFound(docs);
    return runner;
  };

  for (const path of scopedPaths("runners")) {
    app.get<{ Params: ScopeParams; Querystring: PageRequest & { name?: string } }>(
      path,
      async (request, reply) => {
        const docs = `${DOCS.runners}#list-self-hosted-runners-for-${where(request.params)}`;
        const { scope } = runnerScopeOf(world, request, request.params, "read", docs);
        const name = request.query.name?.toLowerCase();
        const runners = world.registry
          .list(scopeKey(scope))
          .filter((r) => name === undefined || r.name.toLowerCase() === name);
        const page = paginate(runners, request.query, requestUrl(request, world.site));
        paged(reply, page.link);
        void reply.header("cache-control", "private, max-age=60, s-maxage=60");
        return { total_count: runners.length, runners: page.items.map(runnerJson) };
      },
    );
  }

  for (const path of scopedPaths("runners/:runner_id")) {
    app.get<{ Params: RunnerParams }>(path, async (request) => {
      const docs = `${DOCS.runners}#get-a-self-hosted-runner-for-${where(request.params)}`;
      const { scope } = runnerScopeOf(world, request, request.params, "read", docs);
      return runnerJson(runnerIn(request.params, scopeKey(scope), docs));
    });

    app.delete<{ Params: RunnerParams }>(path, async (request, reply) => {
      const docs = `${DOCS.runners}#delete-a-self-hosted-runner-from-${where(request.params)}`;
      const { scope } = runnerScopeOf(world, request, request.params, "write", docs);
      const runner = runnerIn(request.params, scopeKey(scope), docs);
      if (runner.runningJobId !== undefined)
        throw new GitHubError(422, `Bad request - Runner "${runner.name}" is still running a job`, {
          documentationUrl: docs,
        });
      world.router.removeRunner(runner, "deleted through the REST API");
      return reply.code(204).send();
    });
  }

  for (const path of scopedPaths("runners/:runner_id/labels")) {
    app.get<{ Params: RunnerParams }>(path, async (request) => {
      const docs = `${DOCS.runners}#list-labels-for-a-self-hosted-runner-for-${where(request.params)}`;
      const { scope } = runnerScopeOf(world, request, request.params, "read", docs);
      const { labels } = runnerJson(runnerIn(request.params, scopeKey(scope), docs)) as { labels: unknown[] };
      return { total_count: labels.length, labels };
    });
  }

  for (const path of scopedPaths("runners/downloads")) {
    app.get<{ Params: ScopeParams }>(path, async (request) => {
      const docs = `${DOCS.runners}#list-runner-applications-for-${where(request.params)}`;
      runnerScopeOf(world, request, request.params, "read", docs);
      return world.downloads.list(world.site);
    });
  }

  app.get<{ Params: { org: string }; Querystring: PageRequest }>(
    "/orgs/:org/actions/runner-groups",
    async (request, reply) => {
      const docs = `${DOCS.runnerGroups}#list-self-hosted-runner-groups-for-an-organization`;
      const { scope } = runnerScopeOf(world, request, request.params, "read", docs);
      const groups = groupsFor(scope, world.runnerGroups);
      const page = paginate(groups, request.query, requestUrl(request, world.site));
      paged(reply, page.link);
      return {
        total_count: groups.length,
        runner_groups: page.items.map((g) => groupJson(world, request.params.org, g)),
      };
    },
  );
}

function groupJson(world: World, org: string, group: RunnerGroup): Record<string, unknown> {
  const base = `${world.site.apiUrl}/orgs/${org}/actions/runner-groups/${group.id}`;
  return {
    id: group.id,
    name: group.name,
    visibility: group.visibility,
    default: group.isDefault,
    ...(group.visibility === "selected" ? { selected_repositories_url: `${base}/repositories` } : {}),
    runners_url: `${base}/runners`,
    hosted_runners_url: `${base}/hosted-runners`,
    inherited: false,
    allows_public_repositories: group.allowsPublicRepositories,
    restricted_to_workflows: false,
    selected_workflows: [],
    workflow_restrictions_read_only: false,
  };
}
