import { describe, expect, it } from "vitest";
import { isSupportedTart, MINIMUM_TART_VERSION, parseTartVersion } from "../../../src/doctor/tart-version.js";

describe("tart versions", () => {
  it("reads what `tart --version` prints", () => {
    expect(parseTartVersion("2.32.1\n")).toEqual([2, 32, 1]);
    expect(parseTartVersion("2.28")).toEqual([2, 28, 0]);
    expect(parseTartVersion("2.30.0-beta.1")).toEqual([2, 30, 0]);
    expect(parseTartVersion("tart")).toBeNull();
  });

  it("supports 2.28.0 and newer, compared numerically", () => {
    expect(MINIMUM_TART_VERSION).toBe("2.28.0");
    const supported = (text: string) => isSupportedTart(parseTartVersion(text) ?? [0, 0, 0]);
    expect(["2.28.0", "2.28.5", "2.32.1", "3.0.0", "2.100.0"].map(supported)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(["2.27.9", "2.9.0", "1.99.99"].map(supported)).toEqual([false, false, false]);
  });
});
