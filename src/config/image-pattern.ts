function patternToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? "";
    if (char === "*" && pattern[i + 1] === "*") {
      source += ".*";
      i++;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/**
 * Whether an image reference matches an allow-list pattern. `*` stays within one path segment
 * (`ghcr.io/cirruslabs/*` allows `ghcr.io/cirruslabs/macos-sequoia-xcode:16` but not
 * `ghcr.io/cirruslabs/a/b:1`), `**` crosses segments, `?` is one character. Case-sensitive, like
 * OCI repository names and tags.
 */
export function matchesImagePattern(pattern: string, image: string): boolean {
  return patternToRegExp(pattern).test(image);
}

/** Whether an image may run under `tart.images.allow`; an empty list allows every image. */
export function isImageAllowed(allow: readonly string[], image: string): boolean {
  return allow.length === 0 || allow.some((pattern) => matchesImagePattern(pattern, image));
}
