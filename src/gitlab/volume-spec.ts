/**
 * `--volume <host_dir>:<vm_dir>[:ro]` (docker syntax, as the seed driver takes it): both paths
 * absolute, no `:` or `,` inside them (tart's `--dir` syntax uses both as separators).
 */
export interface VolumeSpec {
  readonly hostPath: string;
  readonly guestPath: string;
  readonly readOnly: boolean;
}

export class VolumeSyntaxError extends Error {
  override readonly name = "VolumeSyntaxError";
}

export function parseVolumeSpec(spec: string): VolumeSpec {
  const parts = spec.split(":");
  const mode = parts.length === 3 ? parts[2] : undefined;
  if (parts.length < 2 || parts.length > 3 || (mode !== undefined && mode !== "ro" && mode !== "rw")) {
    throw new VolumeSyntaxError(
      `--volume ${JSON.stringify(spec)}: expected <host_dir>:<vm_dir>[:ro] (e.g. /data/models:/opt/data/models:ro)`,
    );
  }
  const [hostPath = "", guestPath = ""] = parts;
  for (const [what, value] of [
    ["host", hostPath],
    ["vm", guestPath],
  ] as const) {
    if (!value.startsWith("/") || value.includes(",") || value.includes("\0") || /[\n\r]/.test(value)) {
      throw new VolumeSyntaxError(
        `--volume ${JSON.stringify(spec)}: the ${what} directory must be an absolute path without commas or newlines`,
      );
    }
  }
  return { hostPath: trimSlash(hostPath), guestPath: trimSlash(guestPath), readOnly: mode === "ro" };
}

function trimSlash(value: string): string {
  return value.length > 1 ? value.replace(/\/+$/, "") : value;
}
