/**
 * The simulated registry's catalogue: `config.images`, keyed by full reference (`host/ns:tag`).
 * An image's manifest digest is its configured `digest`, else sha256 of its reference text.
 */
import { createHash } from "node:crypto";
import type { SimConfig, SimImage } from "../../sim-config.js";
import { remoteNameText, tryRemoteName } from "../storage/remote-name.js";
import type { RemoteName } from "../storage/remote-name.js";

export interface RegistryImage {
  /** The canonical `host/ns:tag` the image is configured under. */
  readonly reference: string;
  readonly image: SimImage;
  /** `sha256:<hex>` */
  readonly digest: string;
}

export function catalogue(config: SimConfig): RegistryImage[] {
  const images: RegistryImage[] = [];
  for (const [key, image] of Object.entries(config.images)) {
    const parsed = tryRemoteName(key);
    const reference = parsed === undefined ? key : remoteNameText(parsed);
    const hex = image.digest ?? createHash("sha256").update(reference).digest("hex");
    images.push({ reference, image, digest: `sha256:${hex}` });
  }
  return images;
}

/** The manifest `name` resolves to, or undefined (the registry answers 404). */
export function findImage(config: SimConfig, name: RemoteName): RegistryImage | undefined {
  const all = catalogue(config);
  if (name.reference.type === "tag") return all.find((i) => i.reference === remoteNameText(name));
  const repository = `${name.host}/${name.namespace}`;
  return all.find((i) => i.digest === name.reference.value && i.reference.startsWith(`${repository}:`));
}

/** The images served from `host` (used to decide whether credentials are valid there). */
export function imagesOnHost(config: SimConfig, host: string): RegistryImage[] {
  return catalogue(config).filter((i) => i.reference.startsWith(`${host}/`));
}
