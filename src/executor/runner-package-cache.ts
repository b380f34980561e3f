/**
 * The GitHub runner tarball for images that lack `~/actions-runner`: downloaded once from the URL
 * GitHub's `runners/downloads` names, checked against its sha256, kept on the host and reused
 * for every VM (instead of every VM downloading it, as the original did).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface RunnerDownload {
  readonly url: string;
  readonly filename: string;
  readonly sha256: string | null;
}

export class RunnerPackageCache {
  readonly #dir: string;
  readonly #locate: () => Promise<RunnerDownload>;
  readonly #fetch: typeof fetch;
  #pending: Promise<Buffer> | undefined;

  constructor(options: { dir: string; locate: () => Promise<RunnerDownload>; fetch?: typeof fetch }) {
    this.#dir = options.dir;
    this.#locate = options.locate;
    this.#fetch = options.fetch ?? fetch;
  }

  /** The tarball's bytes, downloading it the first time. Concurrent callers share one download. */
  get(): Promise<Buffer> {
    this.#pending ??= this.#load().catch((error: unknown) => {
      this.#pending = undefined;
      throw error;
    });
    return this.#pending;
  }

  async #load(): Promise<Buffer> {
    const download = await this.#locate();
    if (!/^[A-Za-z0-9._-]+$/.test(download.filename))
      throw new Error(`unexpected runner filename ${download.filename}`);
    const file = path.join(this.#dir, download.filename);
    if (existsSync(file)) {
      const cached = readFileSync(file);
      if (download.sha256 === null || sha256(cached) === download.sha256) return cached;
    }
    const response = await this.#fetch(download.url, { signal: AbortSignal.timeout(10 * 60_000) });
    if (!response.ok) throw new Error(`runner download ${download.url} answered ${response.status}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    if (download.sha256 !== null && sha256(bytes) !== download.sha256)
      throw new Error(`runner download ${download.filename} does not match its sha256 checksum`);
    mkdirSync(this.#dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
    return bytes;
  }
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}
