import { describe, expect, it } from "vitest";
import { bindsBeyondLoopback, isLoopbackAddress } from "../../../src/admin/admin-access.js";

describe("isLoopbackAddress", () => {
  it("accepts 127.0.0.0/8, ::1 and IPv4-mapped loopback", () => {
    for (const address of ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"])
      expect(isLoopbackAddress(address), address).toBe(true);
  });

  it("rejects everything else", () => {
    for (const address of [
      "10.0.4.9",
      "192.168.64.2",
      "::ffff:10.0.0.1",
      "fe80::1",
      "0.0.0.0",
      "",
      "127.0.0.1.nip.io",
    ])
      expect(isLoopbackAddress(address), address).toBe(false);
  });
});

describe("bindsBeyondLoopback", () => {
  it("is false for loopback binds and true for every-interface or LAN binds", () => {
    expect(["127.0.0.1", "::1", "[::1]", "localhost"].map(bindsBeyondLoopback)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(["0.0.0.0", "::", "10.0.4.2", "mac-mini-1.local"].map(bindsBeyondLoopback)).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });
});
