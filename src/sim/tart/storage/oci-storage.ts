/**
 * `cache/OCIs/`: tart's `VMStorageOCI`. Images live in `<host>/<ns…>/sha256:<hex>/` (host with ':'
 * as `%3A`); tags are symlinks to those digest directories. Includes tart's garbage collector:
 * broken tag links go, and digest directories nothing links to go unless pulled by digest.
 */
import {
  existsSync,
  lstatSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { vmDoesNotExist } from "../cli/errors.js";
import { remoteNameText } from "./remote-name.js";
import type { RemoteName } from "./remote-name.js";
import type { TartHome } from "./tart-home.js";
import { VmDirectory } from "./vm-directory.js";

const EXPLICITLY_PULLED = ".explicitly-pulled";

export interface OciEntry {
  /** `host/ns:tag` for tag links, `host/ns@sha256:…` for digest directories. */
  readonly name: string;
  readonly dir: VmDirectory;
  readonly isLink: boolean;
}

export function ociPath(home: TartHome, name: RemoteName): string {
  return path.join(home.ocis, encodeHost(name.host), ...name.namespace.split("/"), name.reference.value);
}

export function ociHostDir(home: TartHome, host: string): string {
  return path.join(home.ocis, encodeHost(host));
}

export function ociExists(home: TartHome, name: RemoteName): boolean {
  return new VmDirectory(ociPath(home, name)).initialized();
}

/** Opens a cached image, marking it accessed (`accessDate` lets pull mark a replaced image as old). */
export function openOci(home: TartHome, name: RemoteName, accessDate = new Date()): VmDirectory {
  const dir = new VmDirectory(ociPath(home, name));
  dir.validate(remoteNameText(name));
  dir.setAccessDate(accessDate);
  return dir;
}

/** Whether the tag link `from` points at the digest directory `to`. */
export function ociLinked(home: TartHome, from: RemoteName, to: RemoteName): boolean {
  try {
    return readlinkSync(ociPath(home, from)) === ociPath(home, to);
  } catch {
    return false;
  }
}

/** Re-creates the tag link (delete, then create: the window a concurrent clone can fall into). */
export function ociLink(home: TartHome, from: RemoteName, to: RemoteName): void {
  const link = ociPath(home, from);
  rmSync(link, { force: true });
  symlinkSync(ociPath(home, to), link);
  ociGc(home);
}

export function markExplicitlyPulled(dir: VmDirectory): void {
  writeFileSync(path.join(dir.base, EXPLICITLY_PULLED), "");
}

export function ociDelete(home: TartHome, name: RemoteName): void {
  const entry = ociPath(home, name);
  if (!existsOrLink(entry)) throw vmDoesNotExist(remoteNameText(name));
  rmSync(entry, { recursive: true, force: true });
  ociGc(home);
}

export function ociGc(home: TartHome): void {
  const incoming = new Map<string, number>();
  walk(home.ocis, (entry, isLink) => {
    if (isLink && !existsSync(entry)) {
      rmSync(entry, { force: true });
      return;
    }
    const target = isLink ? readlinkSync(entry) : entry;
    if (!new VmDirectory(target).initialized()) return;
    incoming.set(target, (incoming.get(target) ?? 0) + (isLink ? 1 : 0));
  });
  for (const [dir, count] of incoming) {
    if (count === 0 && !existsSync(path.join(dir, EXPLICITLY_PULLED)))
      rmSync(dir, { recursive: true, force: true });
  }
}

export function listOci(home: TartHome): OciEntry[] {
  const entries: OciEntry[] = [];
  walk(home.ocis, (entry, isLink) => {
    const dir = new VmDirectory(entry);
    if (!dir.initialized()) return;
    const parent = path.relative(home.ocis, path.dirname(entry));
    const name = percentDecode(`${parent}${isLink ? ":" : "@"}${path.basename(entry)}`);
    entries.push({ name, dir, isLink });
  });
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Calls `visit` for every symlink and every complete VM directory below `root`. */
function walk(root: string, visit: (entry: string, isLink: boolean) => void): void {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const name of names) {
    const entry = path.join(root, name);
    let stat;
    try {
      stat = lstatSync(entry);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) visit(entry, true);
    else if (stat.isDirectory()) {
      if (new VmDirectory(entry).initialized()) visit(entry, false);
      else walk(entry, visit);
    }
  }
}

function existsOrLink(entry: string): boolean {
  try {
    lstatSync(entry);
    return true;
  } catch {
    return false;
  }
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function encodeHost(host: string): string {
  return host.replace(/:/g, "%3A");
}
