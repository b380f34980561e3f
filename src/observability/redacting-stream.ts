/**
 * The logger's last step before bytes leave the process: a pass-through stream that runs
 * every chunk through the secret registry. pino and pino-pretty write one whole line per
 * chunk, so a secret is never split across two writes.
 */
import { Writable } from "node:stream";
import type { SecretRegistry } from "./secret-registry.js";

/** Anything with a `write(string)`: process.stdout, a SonicBoom, a test sink. */
export interface LineSink {
  write(chunk: string): unknown;
}

export function createRedactingStream(sink: LineSink, secrets: SecretRegistry): Writable {
  return new Writable({
    decodeStrings: false,
    write(chunk: unknown, _encoding, callback) {
      const text =
        typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : String(chunk);
      sink.write(secrets.redact(text));
      callback();
    },
  });
}
