/**
 * The App webhook's delivery log (JWT): list with `per_page`/`cursor` pagination (newest first,
 * Link rel="next"), one delivery in full, and redelivery, which re-sends the same bytes under the
 * same `X-GitHub-Delivery` GUID and answers 202.
 */
import type { FastifyInstance } from "fastify";
import type { DeliveryRecord } from "./deliveries.js";
import { DOCS, notFound } from "./github-error.js";
import { isoSeconds } from "./ids.js";
import { requireJwt } from "./request-auth.js";
import { principalOf, requestUrl } from "./request-context.js";
import type { World } from "./world.js";

export function deliveryItemJson(d: DeliveryRecord): Record<string, unknown> {
  return {
    id: d.id,
    guid: d.guid,
    delivered_at: isoSeconds(d.deliveredAtMs ?? d.createdAtMs),
    redelivery: d.redelivery,
    duration: (d.durationMs ?? 0) / 1000,
    status: d.status,
    status_code: d.statusCode ?? 0,
    event: d.event,
    action: d.action,
    installation_id: d.installationId,
    repository_id: d.repositoryId,
    throttled_at: null,
  };
}

const succeeded = (d: DeliveryRecord): boolean =>
  d.statusCode !== null && d.statusCode >= 200 && d.statusCode < 400;

export function registerHookDeliveryRoutes(app: FastifyInstance, world: World): void {
  app.get<{ Querystring: { per_page?: string; cursor?: string; status?: string } }>(
    "/app/hook/deliveries",
    async (request, reply) => {
      requireJwt(principalOf(request));
      const perPage = Math.min(100, Math.max(1, Number.parseInt(request.query.per_page ?? "30", 10) || 30));
      const before = /^v1_(\d+)$/.exec(request.query.cursor ?? "")?.[1];
      const { status } = request.query;
      const all = world.deliveries
        .list()
        .filter((d) => d.state === "sent" || d.state === "dropped")
        .filter((d) => status === undefined || (status === "success") === succeeded(d))
        .filter((d) => before === undefined || d.id < Number(before))
        .sort((a, b) => b.id - a.id);
      const page = all.slice(0, perPage);
      const last = page.at(-1);
      if (all.length > perPage && last !== undefined) {
        const next = requestUrl(request, world.site);
        next.searchParams.set("per_page", String(perPage));
        next.searchParams.set("cursor", `v1_${last.id}`);
        void reply.header("link", `<${next.toString()}>; rel="next"`);
      }
      return page.map(deliveryItemJson);
    },
  );

  app.get<{ Params: { delivery_id: string } }>("/app/hook/deliveries/:delivery_id", async (request) => {
    requireJwt(principalOf(request));
    const d = world.deliveries.get(Number(request.params.delivery_id));
    if (d === undefined || d.state === "pending" || d.state === "held")
      throw notFound(`${DOCS.hookDeliveries}#get-a-delivery-for-an-app-webhook`);
    let payload: unknown = null;
    try {
      payload = JSON.parse(d.body);
    } catch {
      // A raw test delivery need not be JSON; GitHub's schema then has no payload object.
    }
    return {
      ...deliveryItemJson(d),
      url: d.url,
      request: { headers: d.headers, payload: typeof payload === "object" ? payload : null },
      response: { headers: d.responseHeaders, payload: d.responseBody },
    };
  });

  app.post<{ Params: { delivery_id: string } }>(
    "/app/hook/deliveries/:delivery_id/attempts",
    async (request, reply) => {
      requireJwt(principalOf(request));
      const redelivered = world.deliveries.redeliver(Number(request.params.delivery_id));
      if (redelivered === undefined)
        throw notFound(`${DOCS.hookDeliveries}#redeliver-a-delivery-for-an-app-webhook`);
      return reply.code(202).send({});
    },
  );
}
