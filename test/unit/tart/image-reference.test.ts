import { describe, expect, it } from "vitest";
import { normalizeImageReference } from "../../../src/tart/image-reference.js";

describe("image references as tart's cache names them", () => {
  it("gives an untagged registry reference tart's default :latest", () => {
    expect(normalizeImageReference("ghcr.io/cirruslabs/macos-sequoia-xcode")).toBe(
      "ghcr.io/cirruslabs/macos-sequoia-xcode:latest",
    );
    expect(normalizeImageReference("registry.local:5000/team/macos")).toBe(
      "registry.local:5000/team/macos:latest",
    );
  });

  it("keeps tags, digests and local names as they are", () => {
    expect(normalizeImageReference("ghcr.io/cirruslabs/macos:15")).toBe("ghcr.io/cirruslabs/macos:15");
    expect(normalizeImageReference("registry.local:5000/team/macos:beta")).toBe(
      "registry.local:5000/team/macos:beta",
    );
    const digest = `ghcr.io/cirruslabs/macos@sha256:${"a".repeat(64)}`;
    expect(normalizeImageReference(digest)).toBe(digest);
    expect(normalizeImageReference("my-local-vm")).toBe("my-local-vm");
  });
});
