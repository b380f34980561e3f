/**
 * `POST /actions/runner-registration` (Authorization: RemoteAuth <registration token>): what the
 * simulated `config.sh` calls, per src/sim/runner-protocol.ts. The runner registers with the
 * default labels `self-hosted`, `macOS`, `ARM64` unless `noDefaultLabels`, plus its custom labels;
 * `replace` replaces a runner of the same name, otherwise a same-name runner is a 409.
 */
import type { FastifyInstance } from "fastify";
import type { RegisterRequest, RegisterResponse } from "../runner-protocol.js";
import { GitHubError } from "./github-error.js";
import { sameLogin } from "./installations.js";
import { runnerFiles } from "./jit-config.js";
import { parseAuthorization } from "./request-auth.js";
import { labelType } from "./runner-registry.js";
import { groupsFor, scopeKey, scopeUrl, type RunnerScope } from "./runner-scope.js";
import type { World } from "./world.js";

const DEFAULT_LABELS = ["self-hosted", "macOS", "ARM64"];

function sameUrl(a: string, b: string): boolean {
  const norm = (u: string): string => {
    const url = new URL(u);
    return `${url.host}${url.pathname.replace(/\/+$/, "")}`.toLowerCase();
  };
  try {
    return norm(a) === norm(b);
  } catch {
    return false;
  }
}

function parseRequest(body: unknown): RegisterRequest {
  const b =
    typeof body === "object" && body !== null
      ? (body as Partial<Record<keyof RegisterRequest, unknown>>)
      : {};
  const ok =
    typeof b.url === "string" &&
    b.runner_event === "register" &&
    typeof b.name === "string" &&
    b.name.trim() !== "" &&
    Array.isArray(b.labels) &&
    b.labels.every((l) => typeof l === "string" && l.trim() !== "") &&
    (b.runnerGroup === null || b.runnerGroup === undefined || typeof b.runnerGroup === "string");
  if (!ok) throw new GitHubError(400, "Invalid runner registration request.");
  return {
    url: b.url as string,
    runner_event: "register",
    name: b.name as string,
    labels: b.labels as string[],
    runnerGroup: (b.runnerGroup as string | null | undefined) ?? null,
    ephemeral: b.ephemeral === true,
    replace: b.replace === true,
    disableUpdate: b.disableUpdate === true,
    noDefaultLabels: b.noDefaultLabels === true,
    workFolder: typeof b.workFolder === "string" && b.workFolder !== "" ? b.workFolder : "_work",
  };
}

export function registerRegistrationRoutes(app: FastifyInstance, world: World): void {
  app.post("/actions/runner-registration", async (request) => {
    const credential = parseAuthorization(request.headers.authorization);
    const now = world.clock.now();
    const token =
      credential !== undefined && credential.scheme.toLowerCase() === "remoteauth"
        ? world.runnerTokens.resolve(credential.value, "registration", now)
        : undefined;
    if (token === undefined) throw new GitHubError(401, "Bad credentials");
    const scope: RunnerScope = token.scope;
    const body = request.body as { url?: unknown; runner_event?: unknown; name?: unknown } | undefined;
    // The scale-set client sends only { url, runner_event } and wants the Actions service's admin connection.
    if (body !== undefined && body.name === undefined && body.runner_event === "register") {
      if (typeof body.url !== "string" || !sameUrl(body.url, scopeUrl(world.site, scope)))
        throw new GitHubError(403, `The registration token is not valid for ${String(body.url)}.`);
      const issue = world.actionsService.issue;
      if (issue === undefined) throw new GitHubError(404, "Not Found");
      return issue(body.url);
    }
    const req = parseRequest(request.body);
    if (!sameUrl(req.url, scopeUrl(world.site, scope)))
      throw new GitHubError(403, `The registration token is not valid for ${req.url}.`);
    const group =
      req.runnerGroup === null
        ? groupsFor(scope, world.runnerGroups).find((g) => g.isDefault)
        : groupsFor(scope, world.runnerGroups).find((g) => sameLogin(g.name, req.runnerGroup ?? ""));
    if (group === undefined)
      throw new GitHubError(404, `Could not find any self-hosted runner group named "${req.runnerGroup}".`);
    if (req.noDefaultLabels && req.labels.length === 0)
      throw new GitHubError(400, "--no-default-labels requires at least one custom label.");
    const existing = world.registry.byName(scopeKey(scope), req.name);
    if (existing !== undefined) {
      if (!req.replace)
        throw new GitHubError(409, `Already exists - A runner with the name ${req.name} already exists.`);
      world.router.removeRunner(existing, "replaced by a new registration");
    }
    const labels = [
      ...(req.noDefaultLabels ? [] : DEFAULT_LABELS.map((name) => ({ name, type: "read-only" as const }))),
      ...req.labels.map((name) => ({ name, type: labelType(name) })),
    ];
    const runner = world.registry.create(
      {
        name: req.name,
        scope,
        labels,
        ephemeral: req.ephemeral,
        jit: false,
        group,
        os: "macOS",
        workFolder: req.workFolder,
        disableUpdate: req.disableUpdate,
      },
      now,
    );
    const files = runnerFiles(world.site, runner);
    const response: RegisterResponse = { runner: files.runner, credentials: files.credentials };
    return response;
  });
}
