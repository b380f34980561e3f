/** A segment of a path into the parsed YAML: a mapping key or a list index. */
export type PathSegment = string | number;

/**
 * A problem found while validating, before it is located in the file. `at: "key"` points the
 * user at the key itself (unknown keys); otherwise at the value, or at the closest parent when
 * the value is missing.
 */
export interface ConfigProblem {
  readonly path: readonly PathSegment[];
  readonly message: string;
  readonly hint?: string;
  readonly at?: "key" | "value";
}

/** Builds a problem; a helper so optional fields stay absent rather than `undefined`. */
export function problem(path: readonly PathSegment[], message: string, hint?: string): ConfigProblem {
  return hint === undefined ? { path, message } : { path, message, hint };
}

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** Renders a path the way users write it: `tart.images.aliases.xcode16`, `hosts[1].url`, `aliases["a.b"]`. */
export function formatConfigPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
