/**
 * `VMStorageOCI.pull`: fetch the manifest, return early when the image is already cached and
 * linked, else take the per-registry-host lock (`waiting for lock...`), download into a resumable
 * staging directory, move it into `cache/OCIs/…/sha256:<hex>` atomically, and link the tag.
 */
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import { fireFault } from "../../faults.js";
import type { TartContext } from "../context.js";
import { lock, lockFile, tryLock, unlock } from "../state/pid-lock.js";
import { lookupCredentials } from "../state/credentials.js";
import { reclaimIfNeeded } from "../storage/auto-prune.js";
import {
  markExplicitlyPulled,
  ociExists,
  ociHostDir,
  ociLink,
  ociLinked,
  ociPath,
  openOci,
} from "../storage/oci-storage.js";
import { remoteNameText, withDigest } from "../storage/remote-name.js";
import type { RemoteName } from "../storage/remote-name.js";
import { createStaging } from "../storage/staging-dir.js";
import type { TartHome } from "../storage/tart-home.js";
import { VmDirectory } from "../storage/vm-directory.js";
import { downloadImage } from "./download-image.js";
import { progressLogger } from "./progress-logger.js";
import type { ProgressLogger } from "./progress-logger.js";
import { checkRegistryAuth } from "./registry-auth.js";
import { manifestNotFound, authFailed } from "./registry-errors.js";
import { findImage } from "./remote-image.js";
import type { RegistryImage } from "./remote-image.js";

const OTHER_VM_FILES_BYTES = 128 * 1024 * 1024;

export async function pullImage(ctx: TartContext, name: RemoteName): Promise<void> {
  const home = ctx.home();
  const log = progressLogger(ctx.env, ctx.out);
  log.appendNewLine("pulling manifest...");
  const entry = fetchManifest(ctx, name);
  const digestName = withDigest(name, entry.digest);
  if (ociExists(home, name) && ociExists(home, digestName) && ociLinked(home, name, digestName)) {
    log.appendNewLine(`${remoteNameText(digestName)} image is already cached and linked!`);
    return;
  }
  const hostDir = ociHostDir(home, name.host);
  mkdirSync(hostDir, { recursive: true });
  const hostLock = lockFile(ctx.simDir, `oci-host-${path.basename(hostDir)}`);
  if (!tryLock(hostLock, ctx.simDir)) {
    ctx.out.line("waiting for lock...");
    await lock(hostLock, ctx.simDir, ctx.cancel);
  }
  try {
    if (!ociExists(home, digestName)) await download(ctx, home, name, digestName, entry, log);
    else log.appendNewLine(`${remoteNameText(digestName)} image is already cached! creating a symlink...`);
    if (name.reference.type === "tag") ociLink(home, name, digestName);
    else markExplicitlyPulled(new VmDirectory(ociPath(home, name)));
    // Marks the image as just used so that pruning does not pick it next.
    openOci(home, name);
  } finally {
    unlock(hostLock);
  }
}

/** The registry's answer to `GET /v2/<ns>/manifests/<ref>`, or the error tart prints. */
function fetchManifest(ctx: TartContext, name: RemoteName): RegistryImage {
  const config = ctx.config();
  const subject = remoteNameText(name);
  if (fireFault(ctx.simDir, config, "pullAuth", subject) !== undefined) throw authFailed(401);
  const image = findImage(config, name);
  checkRegistryAuth(config, name.host, image, lookupCredentials(ctx.env, ctx.simDir, name.host));
  if (image === undefined || fireFault(ctx.simDir, config, "pullNotFound", subject) !== undefined) {
    throw manifestNotFound();
  }
  return image;
}

async function download(
  ctx: TartContext,
  home: TartHome,
  name: RemoteName,
  digestName: RemoteName,
  entry: RegistryImage,
  log: ProgressLogger,
): Promise<void> {
  // Deterministic staging (md5 of the name), so that a killed pull is resumed by the next one.
  const staging = createStaging(
    home,
    ctx.simDir,
    createHash("md5").update(remoteNameText(name)).digest("hex"),
  );
  try {
    openOci(home, name, new Date(0));
  } catch {
    // nothing cached under this name yet
  }
  reclaimIfNeeded(ctx, entry.image.diskGB * 1e9 + OTHER_VM_FILES_BYTES);
  const onCancel = (): void => rmSync(staging.dir, { recursive: true, force: true });
  ctx.cancel.addEventListener("abort", onCancel, { once: true });
  try {
    await downloadImage(ctx, staging.dir, entry, log);
    const target = ociPath(home, digestName);
    mkdirSync(path.dirname(target), { recursive: true });
    renameSync(staging.dir, target);
  } finally {
    ctx.cancel.removeEventListener("abort", onCancel);
    staging.release();
  }
}
