import { Writable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { createLogger, type LoggerOptions } from "../../../src/observability/logger.js";
import { createSecretRegistry } from "../../../src/observability/secret-registry.js";

/** An in-memory destination, like probot's MockLoggerTarget. */
class MemorySink extends Writable {
  readonly chunks: string[] = [];

  constructor() {
    super({ decodeStrings: false });
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(String(chunk));
    callback();
  }

  get text(): string {
    return this.chunks.join("");
  }

  lines(): Record<string, unknown>[] {
    return this.text
      .split("\n")
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

function jsonLogger(extra: Partial<LoggerOptions> = {}): {
  log: ReturnType<typeof createLogger>;
  sink: MemorySink;
} {
  const sink = new MemorySink();
  return { log: createLogger({ level: "info", pretty: false, destination: sink, ...extra }), sink };
}

const SECRET = "ghs_s3cr3tInstallationToken";

describe("createLogger (JSON lines)", () => {
  it("writes one JSON object per line with time, level label, msg and base fields", () => {
    const { log, sink } = jsonLogger({ base: { service: "tart-executor", host: "mac-1" } });
    log.info({ jobId: 42 }, "job queued");
    const [line] = sink.lines();
    expect(line).toMatchObject({
      level: "info",
      msg: "job queued",
      jobId: 42,
      service: "tart-executor",
      host: "mac-1",
    });
    expect(new Date(String(line?.["time"])).toISOString()).toBe(line?.["time"]);
    expect(line?.["pid"]).toBe(process.pid);
  });

  it("writes synchronously, so nothing is lost when the process exits right after", () => {
    const { log, sink } = jsonLogger();
    log.warn("last words");
    expect(sink.lines()).toHaveLength(1);
  });

  it("filters by level", () => {
    const { log, sink } = jsonLogger({ level: "warn" });
    log.debug("hidden");
    log.info("hidden too");
    log.warn("shown");
    log.error("shown too");
    expect(sink.lines().map((line) => line["level"])).toEqual(["warn", "error"]);
    expect(log.isLevelEnabled("info")).toBe(false);
  });

  it("writes nothing at level silent", () => {
    const { log, sink } = jsonLogger({ level: "silent" });
    log.fatal("nope");
    expect(sink.text).toBe("");
  });

  it("keeps child bindings", () => {
    const { log, sink } = jsonLogger();
    log.child({ deliveryId: "d-1" }).info("received");
    expect(sink.lines()[0]).toMatchObject({ deliveryId: "d-1", msg: "received" });
  });

  it.each([
    ["password", { password: "hunter22" }],
    ["a nested token", { github: { token: "abc" } }],
    ["a deeply nested password", { config: { ssh: { password: "pw" } } }],
    ["the webhook secret", { config: { webhookSecret: "whs" } }],
    ["the private key", { github: { privateKey: "-----BEGIN" } }],
    ["a JIT config", { runner: { encoded_jit_config: "eyJ" } }],
    ["a jitConfig", { jitConfig: "eyJ" }],
    ["the authorization header", { req: { headers: { authorization: "Bearer x" } } }],
    ["the signature header", { headers: { "x-hub-signature-256": "sha256=abc" } }],
    ["the request signature header", { req: { headers: { "x-hub-signature-256": "sha256=abc" } } }],
  ])("redacts %s by key", (_name, fields) => {
    const { log, sink } = jsonLogger();
    log.info(fields, "with secrets");
    const text = sink.text;
    expect(text).toContain("[REDACTED]");
    for (const value of ["hunter22", '"abc"', '"pw"', "whs", "BEGIN", "eyJ", "Bearer", "sha256=abc"]) {
      expect(text).not.toContain(value);
    }
  });

  it("does not redact ordinary fields", () => {
    const { log, sink } = jsonLogger();
    log.info({ tokenExpiresAt: "2030-01-01", labels: ["tart"] }, "ok");
    expect(sink.lines()[0]).toMatchObject({ tokenExpiresAt: "2030-01-01", labels: ["tart"] });
  });

  describe("secret registry", () => {
    it("removes a registered secret from messages, fields, error messages and stacks", () => {
      const secrets = createSecretRegistry();
      secrets.add(SECRET);
      const { log, sink } = jsonLogger({ secrets });
      log.info(`token is ${SECRET}`);
      log.info({ note: `x${SECRET}x`, list: [SECRET] }, "fields");
      log.error(new Error(`request failed with ${SECRET}`));
      log.error({ err: new Error(`wrapped ${SECRET}`) }, "failed");
      log.info(`${SECRET}${SECRET}`);
      expect(sink.text).not.toContain(SECRET);
      expect(sink.text).not.toContain("s3cr3t");
      expect(sink.lines()).toHaveLength(5);
      expect(sink.lines()[0]?.["msg"]).toBe("token is [REDACTED]");
    });

    it("applies secrets added after the logger was created", () => {
      const secrets = createSecretRegistry();
      const { log, sink } = jsonLogger({ secrets });
      log.info(`before ${SECRET}`);
      secrets.add(SECRET);
      log.info(`after ${SECRET}`);
      const messages = sink.lines().map((line) => line["msg"]);
      expect(messages).toEqual([`before ${SECRET}`, "after [REDACTED]"]);
    });

    it("removes multi-line secrets in their JSON-escaped form and line by line", () => {
      const key =
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----";
      const secrets = createSecretRegistry();
      secrets.add(key);
      const { log, sink } = jsonLogger({ secrets });
      log.info({ pem: key }, "whole");
      log.info("one line: MIIEvQIBADANBgkqhkiG9w0BAQEFAASC");
      log.info({ quoted: 'say "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"' }, "quoted");
      expect(sink.text).not.toContain("MIIEvQ");
      expect(sink.text).not.toContain("BKcwgg");
      expect(sink.lines()).toHaveLength(3);
    });

    it("keeps every line valid JSON after replacement", () => {
      const secrets = createSecretRegistry();
      secrets.add('pa"ss\\word');
      const { log, sink } = jsonLogger({ secrets });
      log.info({ value: 'pa"ss\\word' }, "escaped");
      expect(sink.lines()[0]?.["value"]).toBe("[REDACTED]");
    });
  });
});

describe("createLogger (pretty)", () => {
  async function prettyOutput(
    write: (log: ReturnType<typeof createLogger>) => void,
    extra: Partial<LoggerOptions> = {},
  ) {
    const sink = new MemorySink();
    const log = createLogger({ level: "debug", pretty: true, destination: sink, ...extra });
    write(log);
    // pino-pretty parses and formats through a stream pipeline; give it a moment.
    for (let i = 0; i < 50 && !sink.text.includes("\n"); i++) await delay(10);
    await delay(20);
    return sink.text;
  }

  it("writes human-readable text, not JSON", async () => {
    const text = await prettyOutput((log) => log.info({ jobId: 7 }, "job queued"));
    expect(text).toContain("INFO");
    expect(text).toContain("job queued");
    expect(text).toContain("jobId: 7");
    expect(() => JSON.parse(text) as unknown).toThrow();
    // No colour codes when writing to something other than the terminal.
    expect(text).not.toContain("\u001b[");
  });

  it("filters by level and redacts secrets too", async () => {
    const secrets = createSecretRegistry();
    secrets.add(SECRET);
    const text = await prettyOutput(
      (log) => {
        log.debug("too chatty");
        log.warn({ password: "hunter22" }, `leaked ${SECRET}`);
      },
      { level: "warn", secrets },
    );
    expect(text).toContain("WARN");
    expect(text).not.toContain("too chatty");
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain("hunter22");
    expect(text).toContain("leaked [REDACTED]");
  });
});
