/**
 * The simulated registry's token endpoint. An image with `auth` needs exactly those credentials
 * (else 401). Credentials sent to a host where they match no account are refused with 403 even
 * for public images — what GHCR does when TART_REGISTRY_* leak to it (gotcha #10).
 */
import type { SimConfig } from "../../sim-config.js";
import type { Credentials } from "../state/credentials.js";
import { authFailed } from "./registry-errors.js";
import { imagesOnHost } from "./remote-image.js";
import type { RegistryImage } from "./remote-image.js";

export function checkRegistryAuth(
  config: SimConfig,
  host: string,
  image: RegistryImage | undefined,
  credentials: Credentials | undefined,
): void {
  const required = image?.image.auth;
  if (required !== undefined) {
    if (credentials === undefined || !same(credentials, required)) throw authFailed(401);
    return;
  }
  if (credentials === undefined) return;
  const accounts = imagesOnHost(config, host).flatMap((i) =>
    i.image.auth === undefined ? [] : [i.image.auth],
  );
  if (!accounts.some((a) => same(credentials, a))) throw authFailed(403);
}

function same(a: Credentials, b: Credentials): boolean {
  return a.username === b.username && a.password === b.password;
}
