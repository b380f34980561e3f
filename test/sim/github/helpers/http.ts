/** A tiny REST client for tests: real HTTP, GitHub's headers, parsed JSON. */
export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  readonly body: unknown;
}

export interface CallOptions {
  /** Full Authorization header value, e.g. `Bearer <jwt>`. */
  readonly auth?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Send no User-Agent at all. */
  readonly noUserAgent?: boolean;
}

export async function call(method: string, url: string, options: CallOptions = {}): Promise<HttpResult> {
  const headers: Record<string, string> = {
    accept: "application/vnd.github+json",
    "x-github-api-version": "2022-11-28",
    ...(options.noUserAgent === true ? { "user-agent": "" } : { "user-agent": "tart-executor-tests" }),
    ...(options.auth === undefined ? {} : { authorization: options.auth }),
    ...(options.body === undefined ? {} : { "content-type": "application/json" }),
    ...options.headers,
  };
  const response = await fetch(url, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}
