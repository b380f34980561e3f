/**
 * `loggingEndpoint` (an original key): every log line is also POSTed to an HTTP endpoint as one
 * JSON object in the original's shape — `{subsystem, level: "info"|"error", message, host,
 * service, timestamp: "yyyy-MM-dd HH:mm:ss.SSS" (UTC), parameters}` — so existing receivers keep
 * working. Unlike the original, the queue is bounded (lines beyond it are counted and dropped, the
 * daemon never blocks on a slow receiver) and at most a few requests are in flight.
 */
import { Writable } from "node:stream";

export interface LogShipper {
  /** A stream to tee log lines into (already redacted JSON lines). */
  readonly stream: Writable;
  /** Lines dropped because the queue was full or the endpoint failed. */
  dropped(): number;
  /** Resolves when everything queued so far was sent (or failed). */
  flush(): Promise<void>;
}

export function createLogShipper(options: {
  endpoint: string;
  service: string;
  host: string;
  fetch?: typeof fetch;
  maxQueued?: number;
  concurrency?: number;
  timeoutMs?: number;
}): LogShipper {
  const send = options.fetch ?? fetch;
  const maxQueued = options.maxQueued ?? 1000;
  const concurrency = options.concurrency ?? 4;
  const queue: string[] = [];
  let inFlight = 0;
  let dropped = 0;
  const idleWaiters: Array<() => void> = [];
  const pump = (): void => {
    while (inFlight < concurrency && queue.length > 0) {
      const body = queue.shift() ?? "";
      inFlight += 1;
      send(options.endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "Tart" },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      })
        .then((response) => {
          if (!response.ok) dropped += 1;
          return response.body?.cancel();
        })
        .catch(() => (dropped += 1))
        .finally(() => {
          inFlight -= 1;
          pump();
          if (inFlight === 0 && queue.length === 0) for (const resolve of idleWaiters.splice(0)) resolve();
        });
    }
  };
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      for (const line of String(chunk).split("\n")) {
        if (line.trim() === "") continue;
        if (queue.length >= maxQueued) {
          dropped += 1;
          continue;
        }
        queue.push(JSON.stringify(toOriginalShape(line, options.service, options.host)));
      }
      pump();
      done();
    },
  });
  return {
    stream,
    dropped: () => dropped,
    flush: () =>
      inFlight === 0 && queue.length === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => idleWaiters.push(resolve)),
  };
}

const OWN_FIELDS = new Set(["level", "time", "msg", "pid", "host", "hostname", "service", "component"]);

/** One pino JSON line → the original's log object (non-JSON lines become the message). */
export function toOriginalShape(line: string, service: string, host: string): Record<string, unknown> {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    record = { msg: line };
  }
  const level = String(record["level"] ?? "info");
  const time = typeof record["time"] === "string" ? new Date(record["time"]) : new Date();
  const parameters: Record<string, string> = {};
  for (const [key, value] of Object.entries(record))
    if (!OWN_FIELDS.has(key)) parameters[key] = typeof value === "string" ? value : JSON.stringify(value);
  return {
    subsystem: String(record["component"] ?? service),
    level: level === "error" || level === "fatal" || level === "warn" ? "error" : "info",
    message: String(record["msg"] ?? ""),
    host: String(record["hostname"] ?? host),
    service,
    timestamp: time.toISOString().replace("T", " ").replace("Z", ""),
    parameters,
  };
}
