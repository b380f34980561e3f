/**
 * `tart-executor status` / `tart-router status`: asks the running daemon's admin API and prints
 * a table (or the raw JSON with --json). Returns the exit code: 0, or 1 when the daemon cannot be
 * reached or refuses, with a message that names the URL so the operator knows what was tried.
 */
import type { AdminJob, ExecutorAdminStatus, RouterAdminStatus } from "../admin/admin-port.js";
import { renderExecutorStatus, renderRouterStatus } from "./status-table.js";

export { localAdminUrl } from "../admin/local-admin-url.js";

export interface StatusCommandOptions {
  /** The daemon's base URL, e.g. http://127.0.0.1:3250 (see `localAdminUrl`). */
  readonly url: string;
  /** The config's apiToken, when one is set. */
  readonly token: string | null;
  readonly json: boolean;
  readonly color: boolean;
  readonly fetch: typeof globalThis.fetch;
  readonly write: (text: string) => void;
  /** Where failures go; defaults to `write`. */
  readonly writeError?: (text: string) => void;
  readonly now?: () => number;
  readonly timeoutMs?: number;
}

class StatusFailure extends Error {}

export async function runStatusCommand(options: StatusCommandOptions): Promise<number> {
  const base = options.url.replace(/\/+$/, "");
  const get = async <T>(path: string): Promise<T> => fetchJson<T>(options, `${base}${path}`);
  try {
    const status = await get<ExecutorAdminStatus | RouterAdminStatus>("/api/v1/status");
    const nowMs = (options.now ?? Date.now)();
    const render = { color: options.color, nowMs };
    if (status.kind === "router") {
      options.write(
        options.json ? `${JSON.stringify(status, null, 2)}\n` : renderRouterStatus(status, render),
      );
      return 0;
    }
    const { jobs } = await get<{ jobs: AdminJob[] }>("/api/v1/jobs");
    options.write(
      options.json
        ? `${JSON.stringify({ status, jobs }, null, 2)}\n`
        : renderExecutorStatus(status, jobs, render),
    );
    return 0;
  } catch (error) {
    if (!(error instanceof StatusFailure)) throw error;
    (options.writeError ?? options.write)(`${error.message}\n`);
    return 1;
  }
}

async function fetchJson<T>(options: StatusCommandOptions, url: string): Promise<T> {
  let response: Response;
  try {
    response = await options.fetch(url, {
      headers: options.token === null ? {} : { authorization: `Bearer ${options.token}` },
      signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new StatusFailure(
      `cannot reach ${url} (${cause}): is the daemon running? Check \`brew services list\` and its log.`,
    );
  }
  const text = await response.text();
  if (!response.ok) {
    const reason = errorText(text) ?? response.statusText;
    const hint =
      response.status === 401
        ? " — pass the configured apiToken with --token"
        : response.status === 404
          ? " — is this a tart-executor or tart-router port, and a version with /api/v1?"
          : "";
    throw new StatusFailure(`${url} answered ${response.status}: ${reason}${hint}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new StatusFailure(`${url} did not answer with JSON: is this the admin API's port?`);
  }
}

function errorText(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    const value = parsed.error ?? parsed.message;
    return typeof value === "string" ? value : null;
  } catch {
    return null;
  }
}
