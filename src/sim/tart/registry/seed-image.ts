/** Creates a pulled image's files in a staging directory, including the guest's disk contents. */
import path from "node:path";
import type { TartContext } from "../context.js";
import { loadSeedGuest } from "./guest-modules.js";
import { writeImageFiles } from "./image-files.js";
import type { RegistryImage } from "./remote-image.js";

export async function imageFilesSeeded(ctx: TartContext, dir: string, entry: RegistryImage): Promise<void> {
  writeImageFiles(dir, entry);
  const seedGuest = await loadSeedGuest();
  if (typeof seedGuest === "string") {
    ctx.out.error(`[tart-sim] the image has no guest disk (guest simulation unavailable: ${seedGuest})`);
    return;
  }
  seedGuest(path.join(dir, "guest"), entry.image);
}
