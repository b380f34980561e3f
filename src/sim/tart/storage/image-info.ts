/**
 * `.sim-image.json` beside a pulled image's files (copied by clone): which image a VM came from and
 * its guest login, so `tart run` can start the guest with the right credentials.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export const IMAGE_INFO_FILE = ".sim-image.json";

export interface ImageInfo {
  readonly reference: string;
  readonly username: string;
  readonly password: string;
}

const DEFAULT_LOGIN: ImageInfo = { reference: "", username: "admin", password: "admin" };

export function writeImageInfo(dir: string, info: ImageInfo): void {
  writeFileSync(path.join(dir, IMAGE_INFO_FILE), JSON.stringify(info));
}

/** The VM's image info; a VM seeded by hand (no file) logs in as admin/admin like Cirrus images. */
export function readImageInfo(dir: string): ImageInfo {
  try {
    const parsed = JSON.parse(readFileSync(path.join(dir, IMAGE_INFO_FILE), "utf8")) as Partial<ImageInfo>;
    return {
      reference: parsed.reference ?? "",
      username: parsed.username ?? DEFAULT_LOGIN.username,
      password: parsed.password ?? DEFAULT_LOGIN.password,
    };
  } catch {
    return DEFAULT_LOGIN;
  }
}
