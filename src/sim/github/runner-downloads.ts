/**
 * The runner application downloads: `GET …/actions/runners/downloads` lists them, and the fake
 * serves the tarballs itself under `/_sim/downloads/`. The tarball is built once, with the system
 * `tar`, from the runner stand-in's files (src/sim/guest/runner-package.ts, loaded lazily so the
 * fake starts without it). Windows entries keep GitHub's own URLs: the stand-in has no zip.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { RUNNER_VERSION } from "../runner-protocol.js";
import type { Site } from "./accounts.js";

export interface RunnerPackageFile {
  readonly path: string;
  readonly content: string | Uint8Array;
  readonly mode: number;
}

export type RunnerPackageSource = () => Promise<readonly RunnerPackageFile[]> | readonly RunnerPackageFile[];

export interface Tarball {
  readonly bytes: Buffer;
  readonly sha256: string;
}

const SERVED: ReadonlyArray<readonly [string, string]> = [
  ["osx", "x64"],
  ["linux", "x64"],
  ["linux", "arm"],
  ["linux", "arm64"],
  ["osx", "arm64"],
];
const WINDOWS: ReadonlyArray<readonly [string, string]> = [
  ["win", "x64"],
  ["win", "arm64"],
];

export const runnerFilename = (os: string, arch: string): string =>
  `actions-runner-${os}-${arch}-${RUNNER_VERSION}.${os === "win" ? "zip" : "tar.gz"}`;

/** The default source: `runnerPackageFiles()` of the guest simulation, if it exists yet. */
async function guestRunnerPackage(): Promise<readonly RunnerPackageFile[]> {
  // A variable specifier keeps TypeScript from requiring the module at compile time.
  const specifier = "../guest/runner-package.js";
  const module = (await import(specifier)) as { runnerPackageFiles?: unknown };
  if (typeof module.runnerPackageFiles !== "function")
    throw new Error("src/sim/guest/runner-package.ts does not export runnerPackageFiles()");
  return (module.runnerPackageFiles as () => readonly RunnerPackageFile[])();
}

async function buildTarball(files: readonly RunnerPackageFile[]): Promise<Tarball> {
  const dir = await mkdtemp(path.join(tmpdir(), "fake-gh-runner-"));
  try {
    for (const file of files) {
      const target = path.join(dir, path.normalize(file.path).replace(/^(\.\.(\/|$))+/, ""));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.content);
      await chmod(target, file.mode);
    }
    // Deterministic archive: sorted names, fixed owner and mtime; gzip without a timestamp.
    const { stdout } = await promisify(execFile)(
      "tar",
      ["--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0", "-cf", "-", "-C", dir, "."],
      { encoding: "buffer", maxBuffer: 512 * 1024 * 1024 },
    );
    const bytes = gzipSync(stdout);
    return { bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export class RunnerDownloads {
  readonly #source: RunnerPackageSource;
  #tarball: Promise<Tarball | undefined> | undefined;

  constructor(source: RunnerPackageSource = guestRunnerPackage) {
    this.#source = source;
  }

  /** The tarball, or undefined when no runner package is available (the list then lacks checksums). */
  tarball(): Promise<Tarball | undefined> {
    this.#tarball ??= (async () => {
      let files: readonly RunnerPackageFile[];
      try {
        files = await this.#source();
      } catch {
        return undefined;
      }
      return buildTarball(files);
    })();
    return this.#tarball;
  }

  /** Whether `filename` is one the fake serves. */
  serves(filename: string): boolean {
    return SERVED.some(([os, arch]) => runnerFilename(os, arch) === filename);
  }

  async list(site: Site): Promise<Array<Record<string, unknown>>> {
    const tarball = await this.tarball();
    const served = SERVED.map(([os, arch]) => ({
      os,
      architecture: arch,
      download_url: `${site.url}/_sim/downloads/${runnerFilename(os, arch)}`,
      filename: runnerFilename(os, arch),
      ...(tarball === undefined ? {} : { sha256_checksum: tarball.sha256 }),
    }));
    const windows = WINDOWS.map(([os, arch]) => ({
      os,
      architecture: arch,
      download_url: `https://github.com/actions/runner/releases/download/v${RUNNER_VERSION}/${runnerFilename(os, arch)}`,
      filename: runnerFilename(os, arch),
    }));
    return [...served, ...windows];
  }
}
