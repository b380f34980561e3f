/** MAC addresses as Virtualization.framework formats them (lower-case, two hex digits per octet). */
import { createHash, randomBytes } from "node:crypto";

/** `VZMACAddress.randomLocallyAdministered()`. */
export function randomLocalMac(): string {
  return formatMac(randomBytes(6));
}

/** A stable locally administered MAC derived from `seed` (an image's baked-in MAC when none is configured). */
export function derivedMac(seed: string): string {
  return formatMac(createHash("sha256").update(`mac:${seed}`).digest().subarray(0, 6));
}

/** Parses any `x:x:x:x:x:x` spelling into the canonical form, or undefined. */
export function normalizeMac(text: string): string | undefined {
  const parts = text.trim().split(":");
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) return undefined;
  return parts.map((p) => p.toLowerCase().padStart(2, "0")).join(":");
}

function formatMac(bytes: Uint8Array): string {
  const octets = [...bytes];
  // Locally administered, unicast: bit 1 set, bit 0 clear in the first octet.
  octets[0] = ((octets[0] ?? 0) & 0xfc) | 0x02;
  return octets.map((b) => b.toString(16).padStart(2, "0")).join(":");
}
