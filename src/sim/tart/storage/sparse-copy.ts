/**
 * Copies a disk image without filling its holes. Simulated disks are sparse files of the image's
 * full apparent size (50 GB of nothing), and a plain copy would write every zero. APFS clones
 * make real tart's copy instant; this keeps ours instant too.
 */
import { closeSync, copyFileSync, ftruncateSync, openSync, readSync, statSync, writeSync } from "node:fs";

const SMALL_FILE = 256 * 1024 * 1024;
const CHUNK = 1024 * 1024;

export function sparseCopy(source: string, target: string): void {
  const stat = statSync(source);
  if (stat.blocks > 0 && stat.size <= SMALL_FILE) {
    copyFileSync(source, target);
    return;
  }
  const out = openSync(target, "w");
  try {
    // A file with no allocated blocks is all hole: setting the length is the whole copy.
    if (stat.blocks > 0) copyDataChunks(source, out, stat.size);
    ftruncateSync(out, stat.size);
  } finally {
    closeSync(out);
  }
}

/** Copies only the chunks that contain data, leaving holes where the source reads as zeros. */
function copyDataChunks(source: string, out: number, size: number): void {
  const input = openSync(source, "r");
  const buffer = Buffer.alloc(CHUNK);
  try {
    for (let offset = 0; offset < size; offset += CHUNK) {
      const read = readSync(input, buffer, 0, CHUNK, offset);
      if (read <= 0) break;
      const chunk = buffer.subarray(0, read);
      if (chunk.some((b) => b !== 0)) writeSync(out, chunk, 0, read, offset);
    }
  } finally {
    closeSync(input);
  }
}
