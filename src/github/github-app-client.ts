/**
 * The GitHub App's own endpoints, authenticated with the App's JWT alone (no installation): the
 * webhook delivery log and redelivery (github-api.md §1.3). tart-router uses it as it is;
 * GitHubClient extends it with the installation and the runner endpoints. Every request goes
 * through the retry policy in github-request-policy.ts.
 */
import { App } from "@octokit/app";
import { Octokit } from "@octokit/rest";
import { z } from "zod";
import type { Clock } from "../clock.js";
import { requestPolicyPlugin, type GitHubRequestPolicy } from "./github-request-policy.js";

export interface GitHubAppClientOptions {
  readonly appId: string;
  readonly privateKeyPem: string;
  /** `https://api.github.com` or `https://HOST/api/v3`. */
  readonly apiUrl: string;
  readonly clock: Clock;
  readonly userAgent: string;
  readonly retry?: Partial<Omit<GitHubRequestPolicy, "clock">>;
}

/** A webhook delivery that never got a 2xx. */
export interface FailedDelivery {
  readonly id: number;
  /** `X-GitHub-Delivery`; a redelivery keeps it. */
  readonly guid: string;
  readonly deliveredAt: number;
}

const deliveriesSchema = z.array(
  z.object({
    id: z.number(),
    guid: z.string(),
    delivered_at: z.string(),
    status_code: z.number(),
    event: z.string(),
  }),
);

export class GitHubAppClient {
  /** Octokit with the request policy; installation clients are made from it. */
  protected readonly Client: typeof Octokit;
  /** Signs its requests with the App's JWT. */
  protected readonly app: App<{ Octokit: typeof Octokit }>;

  constructor(options: GitHubAppClientOptions) {
    const policy: GitHubRequestPolicy = {
      clock: options.clock,
      maxAttempts: options.retry?.maxAttempts ?? 4,
      baseDelayMs: options.retry?.baseDelayMs ?? 1000,
      maxDelayMs: options.retry?.maxDelayMs ?? 120_000,
      attemptTimeoutMs: options.retry?.attemptTimeoutMs ?? 30_000,
      ...(options.retry?.onRequest === undefined ? {} : { onRequest: options.retry.onRequest }),
    };
    this.Client = Octokit.plugin(requestPolicyPlugin(policy)).defaults({
      baseUrl: options.apiUrl,
      userAgent: options.userAgent,
      // Octokit would print every failed request to the console; the policy's onRequest reports them.
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    this.app = new App({ appId: options.appId, privateKey: options.privateKeyPem, Octokit: this.Client });
  }

  /** The App itself (GET /app): its name and page, null where GitHub's answer lacks them. */
  async appInfo(): Promise<{ readonly name: string | null; readonly htmlUrl: string | null }> {
    const data: unknown = (await this.app.octokit.request("GET /app")).data;
    const record = typeof data === "object" && data !== null ? (data as Record<string, unknown>) : {};
    const text = (value: unknown): string | null => (typeof value === "string" ? value : null);
    return { name: text(record["name"]), htmlUrl: text(record["html_url"]) };
  }

  /**
   * The App's `workflow_job` deliveries since `sinceMs` that never got a 2xx in any attempt (one
   * entry per delivery GUID, the newest attempt), oldest first (github-api.md §1.3), so that
   * redelivered jobs keep their order.
   */
  async failedDeliveries(sinceMs: number): Promise<FailedDelivery[]> {
    const latest = new Map<string, { id: number; guid: string; deliveredAt: number; ok: boolean }>();
    let cursor: string | undefined;
    for (let page = 0; page < 50; page += 1) {
      const response = await this.app.octokit.request("GET /app/hook/deliveries", {
        per_page: 100,
        ...(cursor === undefined ? {} : { cursor }),
      });
      const items = deliveriesSchema.parse(response.data);
      let older = false;
      for (const item of items) {
        const deliveredAt = Date.parse(item.delivered_at);
        if (deliveredAt < sinceMs) {
          older = true;
          continue;
        }
        if (item.event !== "workflow_job") continue;
        const ok = item.status_code >= 200 && item.status_code < 300;
        const seen = latest.get(item.guid);
        if (seen === undefined) latest.set(item.guid, { id: item.id, guid: item.guid, deliveredAt, ok });
        else
          latest.set(item.guid, {
            ...(deliveredAt > seen.deliveredAt
              ? { id: item.id, deliveredAt }
              : { id: seen.id, deliveredAt: seen.deliveredAt }),
            guid: item.guid,
            ok: seen.ok || ok,
          });
      }
      cursor = /[?&]cursor=([^&>]+)[^>]*>;\s*rel="next"/.exec(String(response.headers.link ?? ""))?.[1];
      if (older || cursor === undefined) break;
    }
    return (
      [...latest.values()]
        .filter((entry) => !entry.ok)
        .map(({ id, guid, deliveredAt }) => ({ id, guid, deliveredAt }))
        // delivered_at has whole seconds; GitHub's ids grow with time.
        .sort((a, b) => a.deliveredAt - b.deliveredAt || a.id - b.id)
    );
  }

  /** Asks GitHub to deliver a webhook again (same GUID). */
  async redeliver(deliveryId: number): Promise<void> {
    await this.app.octokit.request("POST /app/hook/deliveries/{delivery_id}/attempts", {
      delivery_id: deliveryId,
    });
  }
}
