/**
 * OCI remote names (`host[:port]/namespace[/more][:tag|@sha256:hex]`), parsed with tart's ANTLR
 * grammar (`Reference.g4`). Errors imitate ANTLR's wording and tart's `(character N)` suffix.
 */
import { TartRuntimeError } from "../cli/errors.js";
import { parseReferenceGrammar } from "./reference-grammar.js";

export interface RemoteName {
  readonly host: string;
  readonly namespace: string;
  readonly reference: { readonly type: "tag" | "digest"; readonly value: string };
}

export function parseRemoteName(text: string): RemoteName {
  const parsed = parseReferenceGrammar(text);
  if (parsed.kind === "error") {
    throw new TartRuntimeError(
      `failed to parse remote name: ${parsed.message} (character ${parsed.character})`,
    );
  }
  const { host, port, namespace, reference } = parsed;
  const fullHost = port === undefined ? host : `${host}:${port}`;
  if (reference === undefined)
    return { host: fullHost, namespace, reference: { type: "tag", value: "latest" } };
  if (reference.startsWith("@sha256:")) {
    return { host: fullHost, namespace, reference: { type: "digest", value: reference.slice(1) } };
  }
  if (reference.startsWith(":"))
    return { host: fullHost, namespace, reference: { type: "tag", value: reference.slice(1) } };
  throw new TartRuntimeError("failed to parse remote name: unknown reference format");
}

/** `try? RemoteName(name)`: tart's test for "this names a registry image, not a local VM". */
export function tryRemoteName(text: string): RemoteName | undefined {
  try {
    return parseRemoteName(text);
  } catch {
    return undefined;
  }
}

export function remoteNameText(name: RemoteName): string {
  const sep = name.reference.type === "tag" ? ":" : "@";
  return `${name.host}/${name.namespace}${sep}${name.reference.value}`;
}

export function withDigest(name: RemoteName, digest: string): RemoteName {
  return { host: name.host, namespace: name.namespace, reference: { type: "digest", value: digest } };
}
