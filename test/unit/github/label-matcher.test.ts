import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchJob, type MatchResult, type MatchRules } from "../../../src/github/label-matcher.js";

const SEQUOIA = "ghcr.io/cirruslabs/macos-sequoia-xcode:16";

const rules: MatchRules = {
  requiredLabels: ["tart"],
  aliases: { Sequoia: SEQUOIA, broken: "not an image" },
  allow: [],
  defaultCpu: null,
  defaultMemoryMiB: null,
};

function spec(result: MatchResult): Extract<MatchResult, { kind: "match" }>["spec"] {
  if (result.kind !== "match") throw new Error(`expected a match, got ${result.kind}: ${result.reason}`);
  return result.spec;
}

function rejectReason(result: MatchResult): string {
  if (result.kind !== "reject") throw new Error(`expected a reject, got ${result.kind}`);
  return result.reason;
}

describe("matchJob", () => {
  it("matches the required label plus one image reference", () => {
    expect(matchJob(["tart", SEQUOIA], rules)).toEqual({
      kind: "match",
      spec: { image: SEQUOIA, cpu: null, memoryMiB: null, labels: ["tart", SEQUOIA] },
    });
  });

  it("ignores jobs without every required label, case-insensitively", () => {
    const strict = { ...rules, requiredLabels: ["tart", "Fleet-A"] };
    expect(matchJob(["ubuntu-latest"], rules)).toEqual({
      kind: "ignore",
      reason: 'missing required labels "tart"',
    });
    expect(matchJob(["tart", SEQUOIA], strict)).toMatchObject({
      kind: "ignore",
      reason: expect.stringContaining("fleet-a"),
    });
    expect(spec(matchJob(["TART", "fleet-a", SEQUOIA], strict)).image).toBe(SEQUOIA);
  });

  it("tolerates GitHub's default self-hosted labels in any case", () => {
    const labels = ["self-hosted", "macOS", "ARM64", "Self-Hosted", "tart", SEQUOIA];
    expect(spec(matchJob(labels, rules))).toEqual({
      image: SEQUOIA,
      cpu: null,
      memoryMiB: null,
      labels: ["self-hosted", "macos", "arm64", "tart", SEQUOIA],
    });
  });

  it("lower-cases and de-duplicates spec.labels in their original order, keeping the image's case", () => {
    const image = "ghcr.io/cirruslabs/macos-tahoe-xcode:V26.1";
    const result = spec(matchJob(["Tart", image, "tart", "CPU:4", "cpu:4"], rules));
    expect(result.labels).toEqual(["tart", image.toLowerCase(), "cpu:4"]);
    expect(result.image).toBe(image);
  });

  it("resolves aliases case-insensitively", () => {
    expect(spec(matchJob(["tart", "SEQUOIA"], rules)).image).toBe(SEQUOIA);
    expect(spec(matchJob(["tart", "sequoia"], rules)).labels).toEqual(["tart", "sequoia"]);
  });

  it("does not resolve labels through the object prototype", () => {
    for (const label of ["constructor", "toString", "hasOwnProperty"]) {
      expect(spec(matchJob(["tart", label], rules)).image).toBe(label);
    }
    expect(matchJob(["tart", "__proto__"], rules).kind).toBe("reject");
  });

  it("rejects an alias whose target is not a valid image", () => {
    expect(rejectReason(matchJob(["tart", "broken"], rules))).toContain('alias "broken"');
  });

  it("accepts local VM names and the other OCI reference forms", () => {
    const digest = `ghcr.io/cirruslabs/macos-sequoia-base@sha256:${"a".repeat(64)}`;
    for (const image of [
      "sequoia-base",
      "macOS_15.1-base",
      "ghcr.io/cirruslabs/macos-sequoia-base",
      "localhost:5000/team/images/sequoia:latest",
      "registry.example.com:8443/a/b/c:v1.2_3-rc",
      "127.0.0.1:5000/base:1",
      digest,
    ]) {
      expect(spec(matchJob(["tart", image], rules)).image).toBe(image);
    }
  });

  it("lower-cases the registry host only", () => {
    expect(spec(matchJob(["tart", "GHCR.IO/cirruslabs/base:Tag1"], rules)).image).toBe(
      "ghcr.io/cirruslabs/base:Tag1",
    );
  });

  describe("resources", () => {
    it("reads cpu and memory labels and prefers them over the defaults", () => {
      const withDefaults = { ...rules, defaultCpu: 4, defaultMemoryMiB: 8192 };
      expect(spec(matchJob(["tart", SEQUOIA], withDefaults))).toMatchObject({ cpu: 4, memoryMiB: 8192 });
      expect(spec(matchJob(["tart", SEQUOIA, "cpu:6", "Memory:16384"], withDefaults))).toMatchObject({
        cpu: 6,
        memoryMiB: 16384,
      });
      expect(spec(matchJob(["tart", SEQUOIA, "cpu:2"], withDefaults))).toMatchObject({
        cpu: 2,
        memoryMiB: 8192,
      });
    });

    it("treats minCpu/minMemory as lower bounds, and the largest bound wins", () => {
      expect(spec(matchJob(["tart", SEQUOIA, "minCpu:3"], rules))).toMatchObject({ cpu: 3, memoryMiB: null });
      expect(
        spec(matchJob(["tart", SEQUOIA, "cpu:2", "MINCPU:4", "minMemory:4096", "memory:2048"], rules)),
      ).toMatchObject({
        cpu: 4,
        memoryMiB: 4096,
      });
    });

    it.each([
      "cpu:0",
      "cpu:-1",
      "cpu:1.5",
      "cpu:abc",
      "cpu:",
      "cpu: 4",
      "cpu:1025",
      "memory:1048577",
      "minMemory:0x10",
      "memory:1e3",
      "cpu:99999999999",
    ])("rejects the malformed resource label %j", (label) => {
      expect(rejectReason(matchJob(["tart", SEQUOIA, label], rules))).toContain(JSON.stringify(label));
    });

    it("accepts the largest sane values", () => {
      expect(spec(matchJob(["tart", SEQUOIA, "cpu:1024", "memory:1048576"], rules))).toMatchObject({
        cpu: 1024,
        memoryMiB: 1048576,
      });
    });
  });

  describe("image label count", () => {
    it("rejects a job that names no image", () => {
      expect(rejectReason(matchJob(["tart", "self-hosted", "cpu:4"], rules))).toMatch(/no image label/);
    });

    it("rejects a job that names two images, naming both", () => {
      const reason = rejectReason(matchJob(["tart", SEQUOIA, "linux"], rules));
      expect(reason).toContain(JSON.stringify(SEQUOIA));
      expect(reason).toContain('"linux"');
    });
  });

  describe("allow-list", () => {
    const allowing = (...allow: string[]): MatchRules => ({ ...rules, allow });

    it("matches globs, with the host compared case-insensitively", () => {
      expect(spec(matchJob(["tart", SEQUOIA], allowing("ghcr.io/cirruslabs/*"))).image).toBe(SEQUOIA);
      expect(spec(matchJob(["tart", SEQUOIA], allowing("GHCR.IO/cirruslabs/*"))).image).toBe(SEQUOIA);
      expect(spec(matchJob(["tart", "sequoia-base"], allowing("sequoia-*"))).image).toBe("sequoia-base");
      expect(spec(matchJob(["tart", "sequoia"], allowing("ghcr.io/**"))).image).toBe(SEQUOIA);
    });

    it("rejects images outside the list", () => {
      const reason = rejectReason(matchJob(["tart", "evil.example/x/y:1"], allowing("ghcr.io/cirruslabs/*")));
      expect(reason).toBe('image "evil.example/x/y:1" not allowed by tart.images.allow');
    });

    it("keeps * within one path segment and matches the rest exactly", () => {
      const allow = allowing("ghcr.io/cirruslabs/*", "ghcr.io/acme/base");
      expect(matchJob(["tart", "ghcr.io/cirruslabs/nested/image:1"], allow).kind).toBe("reject");
      expect(matchJob(["tart", "ghcr.io/cirruslabs/image:1"], allow).kind).toBe("match");
      expect(matchJob(["tart", "ghcr.io/acme/base:1"], allow).kind).toBe("reject");
      expect(matchJob(["tart", "ghcr.io/acme/base"], allow).kind).toBe("match");
      expect(matchJob(["tart", "ghcr.io.evil.example/cirruslabs/x:1"], allow).kind).toBe("reject");
    });

    it("applies to alias targets too", () => {
      expect(matchJob(["tart", "sequoia"], allowing("registry.example.com/*")).kind).toBe("reject");
    });

    it("treats regular-expression characters in patterns literally", () => {
      expect(matchJob(["tart", "ghcrXio/cirruslabs/a:1"], allowing("ghcr.io/cirruslabs/*")).kind).toBe(
        "reject",
      );
    });
  });

  describe("hostile labels", () => {
    it.each([
      "; rm -rf ~",
      "$(id)",
      "`id`",
      "../x",
      "ghcr.io/../etc/passwd",
      "ghcr.io/a/b:..",
      "ghcr.io/a/b:x..y",
      "--insecure",
      "-rf",
      "a/b",
      "team/image:1",
      "image\nrm -rf ~",
      "image name",
      "image'",
      'image"',
      "image;id",
      "image|id",
      "image&",
      "image>out",
      "ghcr.io/a/b:tag;id",
      "ghcr.io/a/b:$(id)",
      "ghcr.io/A/b:1",
      "ghcr.io/a/b@sha256:abc",
      "ghcr.io:99999/a/b",
      "ghcr.io/a/b:" + "t".repeat(129),
      "",
      "x".repeat(129),
      "\u0000",
      "imäge",
    ])("rejects %j", (label) => {
      expect(matchJob(["tart", label], rules).kind).toBe("reject");
    });
  });

  describe("properties", () => {
    const unsafe = /[\s;&|$`'"\\<>(){}*?!#~^[\]]|\.\./;

    it("never throws and never matches an unsafe image, whatever the labels", () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.oneof(
              fc.string(),
              fc.string({ unit: "binary" }),
              fc.constantFrom("tart", "cpu:4", "self-hosted"),
            ),
          ),
          fc.boolean(),
          (labels, withRequired) => {
            const result = matchJob(withRequired ? ["tart", ...labels] : labels, rules);
            if (result.kind === "match") {
              expect(result.spec.image).not.toMatch(unsafe);
              expect(result.spec.image.startsWith("-")).toBe(false);
            }
          },
        ),
        { numRuns: 500 },
      );
    });

    it("never matches an unsafe image built from near-valid fragments", () => {
      const fragment = fc.constantFrom(
        ..."ghcr.io|localhost:5000|/|:|@|sha256:|a|Z|9|.|..|-|--|_|__|; |$(|`|'|\"|\n|\t| |~|*|\\|&|>".split(
          "|",
        ),
      );
      let matched = 0;
      fc.assert(
        fc.property(fc.array(fragment, { maxLength: 12 }), (parts) => {
          const result = matchJob(["tart", parts.join("")], rules);
          if (result.kind !== "match") return;
          matched++;
          expect(result.spec.image).not.toMatch(unsafe);
          expect(result.spec.image.startsWith("-")).toBe(false);
        }),
        { numRuns: 2000 },
      );
      // The generator must actually reach the match branch for the property to mean anything.
      expect(matched).toBeGreaterThan(20);
    });

    it("never matches an unsafe image through hostile aliases either", () => {
      fc.assert(
        fc.property(fc.string(), fc.string({ unit: "binary" }), (name, target) => {
          const result = matchJob(["tart", name], { ...rules, aliases: { [name]: target } });
          if (result.kind === "match") expect(result.spec.image).not.toMatch(unsafe);
        }),
        { numRuns: 500 },
      );
    });

    it("ignores every job that lacks a required label", () => {
      fc.assert(
        fc.property(fc.array(fc.string()), (labels) => {
          fc.pre(!labels.some((label) => label.toLowerCase() === "tart"));
          expect(matchJob(labels, rules).kind).toBe("ignore");
        }),
      );
    });

    it("produces spec.labels that are lower-case and unique", () => {
      fc.assert(
        fc.property(
          fc.array(fc.constantFrom("Tart", "tart", "CPU:2", "cpu:2", "Sequoia", "self-hosted", "macOS")),
          (extra) => {
            const result = matchJob(["tart", "sequoia", ...extra], rules);
            if (result.kind !== "match") return;
            expect(new Set(result.spec.labels).size).toBe(result.spec.labels.length);
            expect(result.spec.labels.every((label) => label === label.toLowerCase())).toBe(true);
          },
        ),
      );
    });
  });
});
