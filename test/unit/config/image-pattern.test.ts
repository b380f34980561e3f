import { describe, expect, it } from "vitest";
import { isImageAllowed, matchesImagePattern } from "../../../src/config/index.js";

describe("image allow-list patterns", () => {
  it("lets * match within one path segment", () => {
    expect(matchesImagePattern("ghcr.io/cirruslabs/*", "ghcr.io/cirruslabs/macos-sequoia-xcode:16")).toBe(
      true,
    );
    expect(matchesImagePattern("ghcr.io/cirruslabs/*", "ghcr.io/cirruslabs/a/b:1")).toBe(false);
    expect(matchesImagePattern("ghcr.io/cirruslabs/*", "ghcr.io/cirruslabsx/a:1")).toBe(false);
  });

  it("lets ** cross segments and ? match one character", () => {
    expect(matchesImagePattern("ghcr.io/**", "ghcr.io/a/b/c:1")).toBe(true);
    expect(matchesImagePattern("ghcr.io/acme/mac:1?", "ghcr.io/acme/mac:16")).toBe(true);
    expect(matchesImagePattern("ghcr.io/acme/mac:1?", "ghcr.io/acme/mac:1")).toBe(false);
  });

  it("treats other characters literally and matches whole references", () => {
    expect(matchesImagePattern("ghcr.io/a/b:1", "ghcrxio/a/b:1")).toBe(false);
    expect(matchesImagePattern("ghcr.io/a/b:1", "ghcr.io/a/b:10")).toBe(false);
    expect(matchesImagePattern("ghcr.io/a/b:(1)", "ghcr.io/a/b:(1)")).toBe(true);
  });

  it("allows every image when the list is empty", () => {
    expect(isImageAllowed([], "anything/at:all")).toBe(true);
    expect(isImageAllowed(["ghcr.io/cirruslabs/*"], "docker.io/x/y:1")).toBe(false);
    expect(isImageAllowed(["docker.io/x/*", "ghcr.io/cirruslabs/*"], "ghcr.io/cirruslabs/m:1")).toBe(true);
  });
});
