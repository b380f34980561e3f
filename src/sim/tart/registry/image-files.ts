/**
 * Writes what a pull downloads into a staging directory: config.json (a VMConfig as `tart push`
 * encodes it), a sparse disk.img of the image's full size, nvram.bin, manifest.json, and the
 * simulation's extras (allocated size, image login, the seeded guest disk).
 */
import { closeSync, ftruncateSync, openSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { SimImage } from "../../sim-config.js";
import { HARDWARE_MODEL, randomEcid } from "../storage/machine-identifier.js";
import { derivedMac, normalizeMac } from "../storage/mac-address.js";
import { writeVmConfig } from "../storage/vm-config.js";
import { ALLOCATED_FILE } from "../storage/vm-directory.js";
import { writeImageInfo } from "../storage/image-info.js";
import type { RegistryImage } from "./remote-image.js";

const MIB = 1024 * 1024;
const NVRAM_BYTES = 128 * 1024;
export function writeImageFiles(dir: string, entry: RegistryImage): void {
  const { image } = entry;
  writeVmConfig(
    path.join(dir, "config.json"),
    {
      version: 1,
      os: image.os,
      arch: "arm64",
      ...(image.os === "darwin" ? { ecid: randomEcid(), hardwareModel: HARDWARE_MODEL } : {}),
      cpuCountMin: image.cpu,
      cpuCount: image.cpu,
      memorySizeMin: image.memoryMiB * MIB,
      memorySize: image.memoryMiB * MIB,
      macAddress: normalizeMac(image.macAddress ?? "") ?? derivedMac(entry.digest),
      display: { width: 1024, height: 768 },
      diskFormat: "raw",
    },
    false,
  );
  sparseFile(path.join(dir, "disk.img"), image.diskGB * 1e9);
  sparseFile(path.join(dir, "nvram.bin"), NVRAM_BYTES);
  writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest(image)));
  // A real pulled disk occupies about its compressed size; ours occupies nothing.
  writeFileSync(
    path.join(dir, ALLOCATED_FILE),
    String(Math.round(Math.min(image.compressedGB, image.diskGB) * 1e9)),
  );
  writeImageInfo(dir, { reference: entry.reference, username: image.username, password: image.password });
}

function sparseFile(file: string, size: number): void {
  const fd = openSync(file, "w");
  try {
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
}

function manifest(image: SimImage): unknown {
  const diskBytes = Math.round(image.compressedGB * 1e9);
  return {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: {
      mediaType: "application/vnd.oci.image.config.v1+json",
      size: 0,
      digest: "sha256:" + "0".repeat(64),
    },
    layers: [
      { mediaType: "application/vnd.cirruslabs.tart.config.v1", size: 0, digest: "sha256:" + "1".repeat(64) },
      {
        mediaType: "application/vnd.cirruslabs.tart.disk.v2",
        size: diskBytes,
        digest: "sha256:" + "2".repeat(64),
        annotations: { "org.cirruslabs.tart.uncompressed-size": String(image.diskGB * 1e9) },
      },
      {
        mediaType: "application/vnd.cirruslabs.tart.nvram.v1",
        size: NVRAM_BYTES,
        digest: "sha256:" + "3".repeat(64),
      },
    ],
    annotations: { "org.cirruslabs.tart.uncompressed-disk-size": String(image.diskGB * 1e9 + 128 * MIB) },
  };
}
