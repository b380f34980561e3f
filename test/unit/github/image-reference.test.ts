import { describe, expect, it } from "vitest";
import { parseImageReference } from "../../../src/github/image-reference.js";

describe("parseImageReference", () => {
  it.each([
    ["ghcr.io/cirruslabs/macos-sequoia-xcode:16", "oci"],
    ["ghcr.io/cirruslabs/macos-sequoia-xcode", "oci"],
    [`ghcr.io/cirruslabs/macos-sequoia-base@sha256:${"0123456789abcdef".repeat(4)}`, "oci"],
    ["localhost/base:1", "oci"],
    ["registry:5000/a__b/c-d/e.f:tag_1.2-3", "oci"],
    ["sequoia-base", "local"],
    ["Sequoia_15.1", "local"],
  ])("accepts %s as %s", (candidate, kind) => {
    expect(parseImageReference(candidate)).toEqual({ kind, value: candidate });
  });

  it("lower-cases the registry host and nothing else", () => {
    expect(parseImageReference("Registry.Example.COM:5000/team/base:Xcode16")).toEqual({
      kind: "oci",
      value: "registry.example.com:5000/team/base:Xcode16",
    });
  });

  it.each([
    ["a host that is not a registry", "team/image:1"],
    ["an upper-case path", "ghcr.io/Team/image"],
    ["an empty path component", "ghcr.io//image"],
    ["a trailing slash", "ghcr.io/team/"],
    ["port 0", "ghcr.io:0/team/image"],
    ["a short digest", "ghcr.io/team/image@sha256:abc"],
    ["a sha512 digest", `ghcr.io/team/image@sha512:${"a".repeat(128)}`],
    ["a tag starting with a dot", "ghcr.io/team/image:.hidden"],
    ["tag and digest", `ghcr.io/team/image:1@sha256:${"a".repeat(64)}`],
    ["a local name with a colon", "base:latest"],
    ["a local name with @", "base@x"],
    ["a local name starting with a dot", ".base"],
    ["dot-dot", "a..b"],
    ["an over-long reference", `ghcr.io/${"a".repeat(250)}`],
  ])("rejects %s", (_name, candidate) => {
    expect(parseImageReference(candidate)).toBeNull();
  });
});
