/**
 * A registry reference as tart names it in its cache: tart's RemoteName defaults a reference
 * without tag or digest to `:latest`, and `tart list --source oci` shows cached images only with
 * an explicit `:tag` or `@sha256:` digest (openai/tart `Sources/tart/OCI/RemoteName.swift`,
 * `VMStorageOCI.swift`; tart-cli.md "pull"). Only the last path component can carry a tag: a
 * colon in the first one is the registry's port.
 */
export function normalizeImageReference(reference: string): string {
  if (reference.includes("@")) return reference;
  const slash = reference.lastIndexOf("/");
  if (slash < 0) return reference; // a local VM name: no tags
  return reference.slice(slash + 1).includes(":") ? reference : `${reference}:latest`;
}
