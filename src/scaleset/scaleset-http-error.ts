/**
 * An unexpected answer from the Actions service: its status, the exception's `typeName` when the
 * body is the service's `{ typeName, message }` (actions/scaleset errors.go), and `Retry-After`.
 * The message names the route but never a token.
 */
export class ScaleSetHttpError extends Error {
  readonly status: number;
  readonly typeName: string | null;
  readonly retryAfterMs: number | null;

  constructor(what: string, status: number, body: string, retryAfterMs: number | null) {
    let typeName: string | null = null;
    let detail = body.slice(0, 300);
    try {
      const parsed = JSON.parse(body) as { typeName?: unknown; message?: unknown };
      if (typeof parsed.typeName === "string") typeName = parsed.typeName;
      if (typeof parsed.message === "string") detail = parsed.message;
    } catch {
      // not the service's JSON error shape: keep the text
    }
    super(`${what} answered ${status}${typeName === null ? "" : ` ${typeName}`}: ${detail}`);
    this.name = "ScaleSetHttpError";
    this.status = status;
    this.typeName = typeName;
    this.retryAfterMs = retryAfterMs;
  }

  /** Worth trying again later: 5xx, 429, or a 408. */
  get transient(): boolean {
    return this.status >= 500 || this.status === 429 || this.status === 408;
  }
}

export function retryAfterMs(header: string | null): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null;
}
