/**
 * Collects a command's output up to `limit` bytes and drops the rest, so a chatty command cannot
 * exhaust the daemon's memory; `text()` then ends with a marker saying how much was dropped.
 */
export class BoundedOutput {
  readonly #limit: number;
  readonly #chunks: Buffer[] = [];
  #kept = 0;
  #dropped = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  push(chunk: Buffer): void {
    const room = this.#limit - this.#kept;
    const kept = room >= chunk.length ? chunk : chunk.subarray(0, Math.max(room, 0));
    if (kept.length > 0) this.#chunks.push(kept);
    this.#kept += kept.length;
    this.#dropped += chunk.length - kept.length;
  }

  text(): string {
    const text = Buffer.concat(this.#chunks).toString("utf8");
    if (this.#dropped === 0) return text;
    return `${text}\n[tart-executor: output truncated at ${this.#limit} bytes, ${this.#dropped} more bytes dropped]\n`;
  }
}
