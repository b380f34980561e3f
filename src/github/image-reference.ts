/**
 * Which `runs-on` label values may be handed to tart as an image (tart-cli.md "Names").
 * The value ends up as an argument of `tart pull`/`tart clone`, so the grammar is deliberately
 * narrow: no whitespace, quotes, shell metacharacters, `..`, or leading `-` can get through.
 */

export interface ImageReference {
  /** `oci`: pulled from a registry; `local`: an existing VM on this Mac, cloned as is. */
  readonly kind: "oci" | "local";
  /** The reference to pass to tart, with the registry host lower-cased. */
  readonly value: string;
}

const HOST_COMPONENT = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?";
// OCI distribution spec: path components are lower-case, joined by `.`, `_`, `__` or dashes.
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const OCI = new RegExp(
  `^(${HOST_COMPONENT}(?:\\.${HOST_COMPONENT})*)(?::([0-9]{1,5}))?` +
    `/(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)` +
    `(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})?$`,
);
const LOCAL = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const MAX_OCI_LENGTH = 255;
const MAX_LOCAL_LENGTH = 128;

/**
 * Parses a Tart image reference: `host[:port]/namespace[/more][:tag|@sha256:<64 hex>]`, or a
 * local VM name (`[A-Za-z0-9][A-Za-z0-9._-]*`). Returns null for anything else.
 */
export function parseImageReference(candidate: string): ImageReference | null {
  // `..` is legal inside a tag by the OCI grammar, but never something we want to pass on.
  if (candidate.includes("..")) return null;
  if (candidate.includes("/")) return parseOci(candidate);
  if (candidate.length <= MAX_LOCAL_LENGTH && LOCAL.test(candidate))
    return { kind: "local", value: candidate };
  return null;
}

function parseOci(candidate: string): ImageReference | null {
  if (candidate.length > MAX_OCI_LENGTH) return null;
  const match = OCI.exec(candidate);
  if (match === null) return null;
  const host = (match[1] ?? "").toLowerCase();
  const port = match[2];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65_535)) return null;
  // tart reads the first component as a registry host, so `team/image` would make it contact a
  // host called `team`. Require something that looks like a registry: a dot, a port or localhost.
  if (port === undefined && !host.includes(".") && host !== "localhost") return null;
  return { kind: "oci", value: host + candidate.slice(host.length) };
}
