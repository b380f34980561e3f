/**
 * The admin connection to the Actions service (docs/scale-sets.md §1): a registration token from
 * GitHub is exchanged at `{api}/actions/runner-registration` (`Authorization: RemoteAuth`) for the
 * service URL and an admin JWT, renewed when less than 60 s of it remain (read from `exp` without
 * verification) or after a 401. Every request gets `api-version=6.0-preview`.
 */
import type { Clock } from "../clock.js";
import { ScaleSetHttpError, retryAfterMs } from "./scaleset-http-error.js";

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export interface ActionsConnectionDeps {
  readonly fetch: Fetch;
  readonly clock: Clock;
  /** GitHub's REST base (`https://api.github.com` or `https://HOST/api/v3`). */
  readonly apiUrl: string;
  /** The org or repo URL the scale set belongs to (`https://github.com/acme`). */
  readonly githubConfigUrl: string;
  /** A fresh registration token (the GitHub App client's `createRegistrationToken`). */
  readonly registrationToken: (signal?: AbortSignal) => Promise<{ token: string }>;
  /** Told about every secret handed out, for log redaction. */
  readonly onSecret?: (secret: string) => void;
  readonly userAgent?: string;
}

const RENEW_BEFORE_MS = 60_000;

/** `exp` of a JWT, in ms, without verifying it (client.go `actionsServiceAdminTokenExpiresAt`). */
export function jwtExpiryMs(token: string): number {
  const claims = token.split(".")[1];
  if (claims === undefined) throw new Error("the Actions service admin token is not a JWT");
  const exp = (JSON.parse(Buffer.from(claims, "base64url").toString("utf8")) as { exp?: unknown }).exp;
  if (typeof exp !== "number") throw new Error("the Actions service admin token has no exp claim");
  return exp * 1000;
}

export class ActionsConnection {
  readonly #deps: ActionsConnectionDeps;
  #admin: { url: string; token: string; expiresAtMs: number } | undefined;
  #renewing: Promise<void> | undefined;

  constructor(deps: ActionsConnectionDeps) {
    this.#deps = deps;
  }

  get fetch(): Fetch {
    return this.#deps.fetch;
  }

  get userAgent(): string {
    return this.#deps.userAgent ?? "tart-executor";
  }

  /** Forgets the admin token (after a 401), so the next request exchanges a new one. */
  invalidate(): void {
    this.#admin = undefined;
  }

  async #exchange(signal?: AbortSignal): Promise<void> {
    const { token } = await this.#deps.registrationToken(signal);
    const url = `${this.#deps.apiUrl.replace(/\/+$/, "")}/actions/runner-registration`;
    const response = await this.#deps.fetch(url, {
      method: "POST",
      headers: {
        authorization: `RemoteAuth ${token}`,
        "content-type": "application/json",
        "user-agent": this.userAgent,
      },
      body: JSON.stringify({ url: this.#deps.githubConfigUrl, runner_event: "register" }),
      ...(signal === undefined ? {} : { signal }),
    });
    const text = await response.text();
    if (response.status < 200 || response.status > 299)
      throw new ScaleSetHttpError(
        "POST actions/runner-registration",
        response.status,
        text,
        retryAfterMs(response.headers.get("retry-after")),
      );
    const body = JSON.parse(text) as { url?: unknown; token?: unknown };
    if (typeof body.url !== "string" || body.url === "")
      throw new Error("actions/runner-registration answered without the Actions service url");
    if (typeof body.token !== "string" || body.token === "")
      throw new Error("actions/runner-registration answered without an admin token");
    this.#deps.onSecret?.(body.token);
    this.#admin = { url: body.url, token: body.token, expiresAtMs: jwtExpiryMs(body.token) };
  }

  async #current(signal?: AbortSignal): Promise<{ url: string; token: string }> {
    const admin = this.#admin;
    if (admin !== undefined && admin.expiresAtMs - RENEW_BEFORE_MS > this.#deps.clock.now()) return admin;
    this.#renewing ??= this.#exchange(signal).finally(() => {
      this.#renewing = undefined;
    });
    await this.#renewing;
    if (this.#admin === undefined) throw new Error("no Actions service admin connection");
    return this.#admin;
  }

  /** The service URL for a route, with the api-version query (client.go newActionsServiceRequest). */
  async urlFor(route: string, signal?: AbortSignal): Promise<string> {
    const { url } = await this.#current(signal);
    const full = new URL(route.replace(/^\/+/, ""), url.endsWith("/") ? url : `${url}/`);
    if (!full.searchParams.has("api-version")) full.searchParams.set("api-version", "6.0-preview");
    return full.toString();
  }

  /**
   * An admin request; JSON in and out. A 401 renews the admin token and tries once more.
   * `bearer` replaces the admin token (acquirejobs takes the queue token).
   */
  async request<T>(
    method: string,
    route: string,
    options: { body?: unknown; expect: number; signal?: AbortSignal; bearer?: string },
  ): Promise<{ status: number; body: T }> {
    for (let attempt = 0; ; attempt++) {
      const url = await this.urlFor(route, options.signal);
      const token = options.bearer ?? (await this.#current(options.signal)).token;
      const response = await this.#deps.fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "user-agent": this.userAgent,
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      const text = (await response.text()).replace(/^\uFEFF/, "");
      if (response.status === options.expect)
        return { status: response.status, body: (text === "" ? undefined : JSON.parse(text)) as T };
      if (response.status === 401 && options.bearer === undefined && attempt === 0) {
        this.invalidate();
        continue;
      }
      throw new ScaleSetHttpError(
        `${method} ${route.split("?")[0] ?? route}`,
        response.status,
        text,
        retryAfterMs(response.headers.get("retry-after")),
      );
    }
  }
}
