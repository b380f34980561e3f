/** `GET /repos/{owner}/{repo}/actions/jobs/{job_id}`: the job as GitHub currently sees it. */
import type { FastifyInstance } from "fastify";
import { repoRef } from "./accounts.js";
import { DOCS, notFound } from "./github-error.js";
import { tokenCoversRepo } from "./installation-tokens.js";
import { sameLogin } from "./installations.js";
import { workflowJobJson } from "./jobs.js";
import { requireInstallation } from "./request-auth.js";
import { principalOf } from "./request-context.js";
import { requirePermission } from "./runner-access.js";
import type { World } from "./world.js";

export function registerJobRoutes(app: FastifyInstance, world: World): void {
  app.get<{ Params: { owner: string; repo: string; job_id: string } }>(
    "/repos/:owner/:repo/actions/jobs/:job_id",
    async (request) => {
      const docs = DOCS.jobs;
      const { owner, repo, job_id } = request.params;
      const token = requireInstallation(principalOf(request), docs);
      const account = token.installation.account;
      if (!sameLogin(account.login, owner) || !tokenCoversRepo(token, repoRef(account, repo)))
        throw notFound(docs);
      requirePermission(token, "actions", "read", docs);
      const job = world.router.get(Number(job_id));
      if (job === undefined || !sameLogin(job.repo.name, repo) || !sameLogin(job.repo.owner.login, owner))
        throw notFound(docs);
      return workflowJobJson(world.site, job);
    },
  );
}
