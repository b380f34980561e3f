import { describe, expect, it } from "vitest";
import { formatVmName, hostId, isOwnVmName, vmNameHost } from "../../../src/shared/vm-name.js";

const sequence = (values: number[]) => {
  let index = 0;
  return () => values[index++ % values.length] ?? 0;
};

describe("VM names", () => {
  it("carry the prefix, the host and 8 random characters, and nothing tart would read as a registry", () => {
    const name = formatVmName("Mac-Mini.local", sequence([0, 0.5, 0.99]));
    expect(name).toBe("tart-executor-mac-mini-local-0iz0iz0i");
    expect(name).not.toMatch(/[/:@]/);
  });

  it("reduce odd hostnames to a safe, bounded host id", () => {
    expect(hostId("Büro Mac #3 / rack")).toBe("b-ro-mac-3-rack");
    expect(hostId("---")).toBe("host");
    expect(hostId("a".repeat(60))).toHaveLength(24);
  });

  it("recognise this host's names and only this host's", () => {
    const name = formatVmName("mini-1", Math.random);
    expect(isOwnVmName(name, "mini-1")).toBe(true);
    expect(isOwnVmName(name, "MINI-1")).toBe(true);
    expect(isOwnVmName(name, "mini")).toBe(false);
    expect(isOwnVmName("tart-executor-mini-1-ABCDEFGH", "mini-1")).toBe(false);
    expect(isOwnVmName("ghcr.io/cirruslabs/macos", "mini-1")).toBe(false);
  });

  it("tell which executor owns a runner", () => {
    expect(vmNameHost(formatVmName("mini-2", Math.random))).toBe("mini-2");
    expect(vmNameHost("my-runner")).toBeNull();
  });
});
