/**
 * Endpoints of the App itself (JWT only): the App, its installations, installation lookups by
 * organization, repository or user (logins match case-insensitively), and installation tokens.
 */
import type { FastifyInstance } from "fastify";
import { userJson } from "./accounts.js";
import { DOCS, notFound } from "./github-error.js";
import { isoSeconds, legacyNodeId } from "./ids.js";
import { tokenJson, type TokenRequest } from "./installation-tokens.js";
import { coversRepo, installationJson, type Installation } from "./installations.js";
import { paginate, type PageRequest } from "./pagination.js";
import { requireJwt } from "./request-auth.js";
import { principalOf, requestUrl } from "./request-context.js";
import type { World } from "./world.js";

const INSTALLATION_DOCS = `${DOCS.installations}#get-an-installation-for-the-authenticated-app`;

export function registerAppRoutes(app: FastifyInstance, world: World): void {
  const render = (installation: Installation): Record<string, unknown> =>
    installationJson(world.site, installation, {
      id: world.app.id,
      slug: world.app.slug,
      clientId: world.app.clientId,
    });
  const found = (installation: Installation | undefined, docs: string): Record<string, unknown> => {
    if (installation === undefined) throw notFound(docs);
    return render(installation);
  };

  app.get("/app", async (request) => {
    requireJwt(principalOf(request));
    const { app: info, site } = world;
    const created = isoSeconds(info.createdAtMs);
    return {
      id: info.id,
      slug: info.slug,
      node_id: legacyNodeId("Integration", info.id),
      client_id: info.clientId,
      owner: userJson(site, info.owner),
      name: info.name,
      description: "Simulated GitHub App for tart-executor",
      external_url: site.url,
      html_url: `${site.url}/apps/${info.slug}`,
      created_at: created,
      updated_at: created,
      permissions: {
        actions: "read",
        administration: "write",
        metadata: "read",
        organization_self_hosted_runners: "write",
      },
      events: ["workflow_job"],
      installations_count: world.installations.list().length,
    };
  });

  app.get<{ Querystring: PageRequest }>("/app/installations", async (request, reply) => {
    requireJwt(principalOf(request));
    const page = paginate(world.installations.list(), request.query, requestUrl(request, world.site));
    if (page.link !== undefined) void reply.header("link", page.link);
    return page.items.map(render);
  });

  app.get<{ Params: { installation_id: string } }>("/app/installations/:installation_id", async (request) => {
    requireJwt(principalOf(request));
    return found(world.installations.get(Number(request.params.installation_id)), INSTALLATION_DOCS);
  });

  app.post<{ Params: { installation_id: string }; Body: TokenRequest | undefined }>(
    "/app/installations/:installation_id/access_tokens",
    async (request, reply) => {
      requireJwt(principalOf(request));
      const installation = world.installations.get(Number(request.params.installation_id));
      if (installation === undefined)
        throw notFound(`${DOCS.installations}#create-an-installation-access-token-for-an-app`);
      const token = world.tokens.issue(installation, request.body ?? {}, world.clock.now());
      return reply.code(201).send(tokenJson(token));
    },
  );

  app.get<{ Params: { org: string } }>("/orgs/:org/installation", async (request) => {
    requireJwt(principalOf(request));
    const docs = `${DOCS.installations}#get-an-organization-installation-for-the-authenticated-app`;
    return found(world.installations.byAccount(request.params.org, "Organization"), docs);
  });

  app.get<{ Params: { owner: string; repo: string } }>(
    "/repos/:owner/:repo/installation",
    async (request) => {
      requireJwt(principalOf(request));
      const docs = `${DOCS.installations}#get-a-repository-installation-for-the-authenticated-app`;
      const installation = world.installations.byAccount(request.params.owner);
      const covered = installation !== undefined && coversRepo(installation, request.params.repo);
      return found(covered ? installation : undefined, docs);
    },
  );

  app.get<{ Params: { username: string } }>("/users/:username/installation", async (request) => {
    requireJwt(principalOf(request));
    const docs = `${DOCS.installations}#get-a-user-installation-for-the-authenticated-app`;
    return found(world.installations.byAccount(request.params.username), docs);
  });
}
