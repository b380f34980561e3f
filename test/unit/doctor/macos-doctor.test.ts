import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CommandResult, DoctorDeps, RunCommand } from "../../../src/doctor/doctor-deps.js";
import { DHCP_LEASE_FIX, LICENCE_NOTE } from "../../../src/doctor/macos-fixes.js";
import { byName, fakeTart, startDoctorWorld, type DoctorWorld } from "./doctor-world.js";

let w: DoctorWorld;
beforeAll(async () => {
  w = await startDoctorWorld();
});
afterAll(async () => w.close());

const answer = (stdout: string, exitCode = 0): CommandResult => ({
  exitCode,
  stdout,
  stderr: "",
});

/** This machine, but with macOS's `sw_vers` and `defaults` answering as on a Mac. */
function onMac(version: string, bootpd: CommandResult): Partial<DoctorDeps> {
  const real: RunCommand = w.deps.runCommand;
  const runCommand: RunCommand = async (file, args, options) => {
    if (file === "sw_vers") return answer(`${version}\n`);
    if (file === "defaults") return bootpd;
    return real(file, args, options);
  };
  return { platform: "darwin", runCommand };
}

const LEASE_600 = answer("{\n    DHCPLeaseTimeSecs = 600;\n}\n");
const NO_LEASE = answer("", 1);

describe("macOS checks on a Mac", () => {
  it("on macOS 15 explains what cannot be checked and checks what can", async () => {
    const checks = await w.run({}, onMac("15.3.1", LEASE_600));
    expect(byName(checks, "local network")).toMatchObject({
      status: "WARN",
      detail: "cannot be checked automatically on macOS 15",
    });
    expect(byName(checks, "login keychain").status).toBe("WARN");
    expect(byName(checks, "dhcp lease")).toEqual({
      name: "dhcp lease",
      status: "PASS",
      detail: "VM leases last 600 s",
    });
    expect(byName(checks, "vm limit")).toMatchObject({ status: "PASS" });
    expect(byName(checks, "tart licence")).toEqual({
      name: "tart licence",
      status: "PASS",
      detail: "this Mac has 8 CPU cores; the free tier covers 100 across all your Macs",
    });
  });

  it("on macOS 14 has no Local Network or keychain requirement, and warns about day-long leases", async () => {
    const checks = await w.run({}, onMac("14.6", NO_LEASE));
    expect(byName(checks, "local network").status).toBe("PASS");
    expect(byName(checks, "login keychain").detail).toBe(
      "macOS 14 has no such requirement (it came with macOS 15)",
    );
    expect(byName(checks, "dhcp lease")).toEqual({
      name: "dhcp lease",
      status: "WARN",
      detail: "VM leases last 86400 s (the macOS default)",
      hint: DHCP_LEASE_FIX,
    });
    expect(
      byName(await w.run({}, onMac("14.6", answer("{ DHCPLeaseTimeSecs = 86400; }"))), "dhcp lease").status,
    ).toBe("WARN");
  });

  it("does not care about macOS leases with bridged networking", async () => {
    const bridged = byName(
      await w.run({ tart: { netBridgedAdapter: "en0" } }, onMac("15.3", NO_LEASE)),
      "dhcp lease",
    );
    expect(bridged).toMatchObject({
      status: "PASS",
      detail: "bridged to en0: VMs get addresses from your network's DHCP server",
    });
  });

  it("WARNs about running VMs this executor did not start, ignoring its own", async () => {
    const list = JSON.stringify([
      { Source: "local", Name: "tart-executor-mini-1-0a1b2c3d", State: "running" },
      { Source: "local", Name: "dev-sequoia", State: "running" },
      { Source: "local", Name: "base-image", State: "stopped" },
    ]);
    const tart = fakeTart("2.32.1", list);
    try {
      const check = byName(
        await w.run({ tart: { executable: tart.executable } }, onMac("15.3", LEASE_600)),
        "vm limit",
      );
      expect(check.status).toBe("WARN");
      expect(check.detail).toBe(
        "1 VM(s) not started by this executor are running (dev-sequoia) and take slots of Apple's limit of 2",
      );
      expect(check.hint).toMatch(/^stop them with `tart stop <name>`\. Apple allows 2 macOS VMs per Mac\./);
    } finally {
      tart.cleanup();
    }
  });

  it("WARNs about the licence above 100 cores", async () => {
    const checks = await w.run({}, { ...onMac("15.3", LEASE_600), cpuCount: 128 });
    expect(byName(checks, "tart licence")).toMatchObject({ status: "WARN", hint: LICENCE_NOTE });
  });
});
