/**
 * Creating runners: registration and remove tokens for `config.sh`, and `generate-jitconfig`,
 * which registers a single-use runner at once (offline, `os: unknown`) and returns its config.
 */
import type { FastifyInstance } from "fastify";
import { DOCS, GitHubError, invalidRequest, notFound } from "./github-error.js";
import { encodedJitConfig } from "./jit-config.js";
import { runnerScopeOf, scopedPaths, type ScopeParams } from "./runner-access.js";
import { labelType, runnerJson, type Runner } from "./runner-registry.js";
import { groupsFor, scopeKey, type RunnerScope } from "./runner-scope.js";
import { runnerTokenJson } from "./runner-tokens.js";
import type { World } from "./world.js";

const where = (params: ScopeParams): string =>
  params.org !== undefined ? "an-organization" : "a-repository";

interface JitBody {
  readonly name: string;
  readonly runner_group_id: number;
  readonly labels: readonly string[];
  readonly work_folder: string;
}

/** GitHub validates the body against its JSON schema and answers 422 with the first violation. */
function parseJitBody(body: unknown, docs: string): JitBody {
  const b = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  for (const field of ["name", "runner_group_id", "labels"])
    if (!(field in b)) throw invalidRequest(`"${field}" wasn't supplied.`, docs);
  const { name, runner_group_id: group, labels, work_folder: work = "_work" } = b;
  if (typeof name !== "string" || name.trim() === "")
    throw invalidRequest(`For 'properties/name', ${JSON.stringify(name)} is not a non-empty string.`, docs);
  if (typeof group !== "number" || !Number.isInteger(group))
    throw invalidRequest(
      `For 'properties/runner_group_id', ${JSON.stringify(group)} is not an integer.`,
      docs,
    );
  if (!Array.isArray(labels) || labels.some((l) => typeof l !== "string" || l.trim() === ""))
    throw invalidRequest(
      `For 'properties/labels', ${JSON.stringify(labels)} is not an array of strings.`,
      docs,
    );
  if (labels.length < 1 || labels.length > 100)
    throw invalidRequest(
      `For 'properties/labels', ${JSON.stringify(labels)} has ${labels.length < 1 ? "fewer items than the minimum of 1" : "more items than the maximum of 100"}.`,
      docs,
    );
  if (typeof work !== "string")
    throw invalidRequest(`For 'properties/work_folder', ${JSON.stringify(work)} is not a string.`, docs);
  return { name, runner_group_id: group, labels: labels as string[], work_folder: work };
}

export function registerRunnerTokenRoutes(app: FastifyInstance, world: World): void {
  for (const kind of ["registration", "remove"] as const) {
    for (const path of scopedPaths(`runners/${kind}-token`)) {
      app.post<{ Params: ScopeParams }>(path, async (request, reply) => {
        const docs = `${DOCS.runners}#create-a-${kind}-token-for-${where(request.params)}`;
        const { scope } = runnerScopeOf(world, request, request.params, "write", docs);
        const token = world.runnerTokens.issue(kind, scope, world.clock.now());
        return reply.code(201).send(runnerTokenJson(token));
      });
    }
  }

  for (const path of scopedPaths("runners/generate-jitconfig")) {
    app.post<{ Params: ScopeParams; Body: unknown }>(path, async (request, reply) => {
      const docs = `${DOCS.runners}#create-configuration-for-a-just-in-time-runner-for-${where(request.params)}`;
      const { scope } = runnerScopeOf(world, request, request.params, "write", docs);
      const body = parseJitBody(request.body, docs);
      const runner = createJitRunner(world, scope, body, docs);
      return reply
        .code(201)
        .send({ runner: runnerJson(runner), encoded_jit_config: encodedJitConfig(world.site, runner) });
    });
  }
}

function createJitRunner(world: World, scope: RunnerScope, body: JitBody, docs: string): Runner {
  const group = groupsFor(scope, world.runnerGroups).find((g) => g.id === body.runner_group_id);
  if (group === undefined) throw notFound(docs);
  const existing = world.registry.byName(scopeKey(scope), body.name);
  if (existing !== undefined)
    throw new GitHubError(409, `Already exists - A runner with the name ${body.name} already exists.`, {
      documentationUrl: docs,
    });
  return world.registry.create(
    {
      name: body.name,
      scope,
      labels: body.labels.map((name) => ({ name, type: labelType(name) })),
      ephemeral: true,
      jit: true,
      group,
      os: "unknown",
      workFolder: body.work_folder,
      disableUpdate: false,
    },
    world.clock.now(),
  );
}
