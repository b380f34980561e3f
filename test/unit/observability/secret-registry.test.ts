import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createSecretRegistry } from "../../../src/observability/secret-registry.js";

describe("createSecretRegistry", () => {
  it("leaves text alone while empty", () => {
    expect(createSecretRegistry().redact("nothing to hide")).toBe("nothing to hide");
  });

  it("ignores values shorter than 6 characters", () => {
    const secrets = createSecretRegistry();
    secrets.add("abcde");
    secrets.add("");
    expect(secrets.redact("abcde is a word")).toBe("abcde is a word");
  });

  it("replaces every occurrence, treating regular-expression characters literally", () => {
    const secrets = createSecretRegistry();
    secrets.add("a.b*c+d(e)");
    expect(secrets.redact("x a.b*c+d(e) y a.b*c+d(e)")).toBe("x [REDACTED] y [REDACTED]");
    expect(secrets.redact("aXbbbccd(e)")).toBe("aXbbbccd(e)");
  });

  it("replaces a secret that contains another as a whole", () => {
    const secrets = createSecretRegistry();
    secrets.add("token1");
    secrets.add("token1-extended");
    expect(secrets.redact("token1-extended")).toBe("[REDACTED]");
  });

  it("stops redacting a removed secret, unless another add still holds it", () => {
    const secrets = createSecretRegistry();
    secrets.add("jit-config-1");
    secrets.add("jit-config-1");
    secrets.remove("jit-config-1");
    expect(secrets.redact("jit-config-1")).toBe("[REDACTED]");
    secrets.remove("jit-config-1");
    expect(secrets.redact("jit-config-1")).toBe("jit-config-1");
    secrets.remove("never-added");
    expect(secrets.redact("never-added")).toBe("never-added");
  });

  it("never lets a registered secret through, whatever surrounds it", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 6 }), fc.string(), fc.string(), (secret, before, after) => {
        const secrets = createSecretRegistry();
        secrets.add(secret);
        expect(secrets.redact(before + secret + after)).not.toContain(secret);
        expect(secrets.redact(JSON.stringify({ v: before + secret + after }))).not.toContain(
          JSON.stringify(secret).slice(1, -1),
        );
      }),
    );
  });
});
