import { describe, expect, it } from "vitest";
import { isImageAllowed } from "../../../src/github/image-policy.js";

describe("isImageAllowed", () => {
  it("allows everything when the list is empty", () => {
    expect(isImageAllowed("anything/at:all", [])).toBe(true);
  });

  it.each([
    ["ghcr.io/cirruslabs/*", "ghcr.io/cirruslabs/macos-sequoia-xcode:16", true],
    ["ghcr.io/cirruslabs/*", "ghcr.io/cirruslabs/macos-sequoia-xcode@sha256:abc", true],
    ["ghcr.io/cirruslabs/*", "ghcr.io/cirruslabs/nested/image:1", false],
    ["ghcr.io/cirruslabs/**", "ghcr.io/cirruslabs/nested/image:1", true],
    ["ghcr.io/cirruslabs/*", "ghcr.io/CirrusLabs/image:1", false],
    ["GHCR.IO/cirruslabs/*", "ghcr.io/cirruslabs/image:1", true],
    ["ghcr.io/cirruslabs/*", "GHCR.io/cirruslabs/image:1", true],
    ["ghcr.io/cirruslabs/image:*", "ghcr.io/cirruslabs/image:16", true],
    ["ghcr.io/cirruslabs/image", "ghcr.io/cirruslabs/image:16", false],
    ["ghcr.io/*", "ghcr.io.evil.example/x", false],
    ["*.example.com/*", "registry.example.com/base", true],
    ["sequoia-*", "Sequoia-Base", true],
    ["ghcr.io/a+b/*", "ghcr.io/aab/x", false],
  ])("pattern %s vs %s → %s", (pattern, image, allowed) => {
    expect(isImageAllowed(image, [pattern])).toBe(allowed);
  });

  it("allows an image matching any one pattern", () => {
    expect(isImageAllowed("registry.example.com/base", ["ghcr.io/*", "registry.example.com/*"])).toBe(true);
  });
});
