/**
 * Phase `cloning`: make the VM's disk. Pulls according to the pull policy (the original pulled on
 * every job), clones into our name, then sets CPU/memory and the MAC: in NAT networking one stable
 * MAC per VM slot, so DHCP leases are reused instead of exhausted (vm-mac-slot.ts); bridged, a
 * random one (shared baked-in MACs collide in DHCP, tart-cli.md §5.4).
 */
import { TartError } from "../tart/tart-error.js";
import { normalizeImageReference } from "../tart/image-reference.js";
import type { Tart } from "../tart/tart.js";
import type { VmSpec } from "./model.js";
import { assignSlotMac } from "./vm-mac-slot.js";
import type { VmSettings } from "./vm-settings.js";

/** Whether an image reference names a registry image (host/namespace…) rather than a local VM. */
export function isRemoteImage(image: string): boolean {
  return image.includes("/");
}

export async function prepareVm(
  request: { name: string; spec: VmSpec; signal: AbortSignal },
  deps: {
    tart: Pick<Tart, "pull" | "clone" | "set" | "listOci" | "macAddresses" | "setMacAddress">;
    settings: VmSettings;
    observe: (step: "pull" | "clone", seconds: number) => void;
    now: () => number;
  },
): Promise<void> {
  const { name, spec, signal } = request;
  const { tart, settings } = deps;
  const insecure = settings.insecure(spec.image);
  const env = settings.registryEnv;
  if (isRemoteImage(spec.image)) {
    if (settings.pullPolicy === "always") {
      const started = deps.now();
      await tart.pull(spec.image, { insecure, env, signal, timeoutMs: settings.timeouts.pullMs });
      deps.observe("pull", (deps.now() - started) / 1000);
    } else if (settings.pullPolicy === "never") {
      // tart lists OCI images with an explicit tag or digest (`:latest` for an untagged pull), VMStorageOCI.swift.
      const cached = await tart.listOci({ signal });
      if (!cached.includes(normalizeImageReference(spec.image)))
        throw new Error(`image ${spec.image} is not in the local cache and tart.pullPolicy is "never"`);
    }
  }
  const started = deps.now();
  // With if-not-present, `tart clone` pulls a missing remote image itself and reuses a cached one.
  const cloneBudget =
    settings.timeouts.cloneMs + (settings.pullPolicy === "if-not-present" ? settings.timeouts.pullMs : 0);
  try {
    await tart.clone(spec.image, name, { insecure, env, signal, timeoutMs: cloneBudget });
  } catch (error) {
    // Two clones of one image at once can catch the tag symlink mid-relink, or an auto-prune, and
    // fail once (tart-cli.md §3): retry once before calling the VM failed.
    if (signal.aborted || !(error instanceof TartError) || error.code !== "TART_COMMAND_FAILED") throw error;
    await tart.clone(spec.image, name, { insecure, env, signal, timeoutMs: cloneBudget });
  }
  deps.observe("clone", (deps.now() - started) / 1000);
  const stableMac = settings.netBridged === null && settings.macSeed !== undefined;
  if (spec.cpu !== null || spec.memoryMiB !== null || !stableMac)
    await tart.set(name, { cpu: spec.cpu, memoryMiB: spec.memoryMiB, randomMac: !stableMac }, { signal });
  if (stableMac && settings.macSeed !== undefined) await assignSlotMac(name, settings.macSeed, tart);
}
