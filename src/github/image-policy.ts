/**
 * The operator's allow-list of images (`tart.images.allow`): glob patterns where `*` matches
 * within one path segment and `**` across segments. The registry host (everything before the
 * first `/`) is compared case-insensitively, the rest exactly, as registries do.
 */

/**
 * True when `image` matches one of the patterns, or when there are no patterns at all.
 * A pattern without wildcards must equal the image, tag included:
 * `ghcr.io/cirruslabs/*` allows `ghcr.io/cirruslabs/macos-sequoia-xcode:16`, but
 * `ghcr.io/cirruslabs/macos-sequoia-xcode` allows only that untagged reference.
 */
export function isImageAllowed(image: string, allow: readonly string[]): boolean {
  if (allow.length === 0) return true;
  const subject = lowerCaseHost(image);
  return allow.some((pattern) => globToRegExp(lowerCaseHost(pattern)).test(subject));
}

function lowerCaseHost(reference: string): string {
  const slash = reference.indexOf("/");
  return slash === -1
    ? reference.toLowerCase()
    : reference.slice(0, slash).toLowerCase() + reference.slice(slash);
}

function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern.charAt(i);
    if (char === "*" && pattern.charAt(i + 1) === "*") {
      source += ".*";
      i++;
    } else if (char === "*") {
      source += "[^/]*";
    } else {
      source += char.replace(/[\\^$.|?+()[\]{}-]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`, "s");
}
