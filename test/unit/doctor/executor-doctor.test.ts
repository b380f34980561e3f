import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DoctorFs } from "../../../src/doctor/doctor-deps.js";
import {
  DHCP_LEASE_FIX,
  KEYCHAIN_FIX,
  LICENCE_NOTE,
  LOCAL_NETWORK_FIX,
  VM_LIMIT_FIX,
} from "../../../src/doctor/macos-fixes.js";
import { byName, fakeTart, startDoctorWorld, type DoctorWorld } from "./doctor-world.js";

let w: DoctorWorld;
beforeAll(async () => {
  w = await startDoctorWorld();
});
afterAll(async () => w.close());

const statuses = (checks: readonly { name: string; status: string }[]) =>
  checks.map((check) => `${check.status} ${check.name}`);

describe("executor doctor on a healthy simulated Mac", () => {
  it("passes every check it can make, in order, and warns about the macOS traps off macOS", async () => {
    const checks = await w.run();
    expect(statuses(checks)).toEqual([
      "PASS config",
      "PASS tart",
      "PASS tart home",
      "PASS disk space",
      "PASS private key",
      "PASS github app",
      "PASS github installation",
      "PASS github permissions",
      "PASS webhook secret",
      "PASS api token",
      "PASS webhook port",
      "PASS ssh",
      "WARN local network",
      "WARN login keychain",
      "WARN dhcp lease",
      "WARN vm limit",
      "WARN tart licence",
    ]);
    expect(byName(checks, "tart").detail).toMatch(
      /^tart 2\.32\.1 at .*sim-bin\/tart \(2\.28\.0 or newer needed\)$/,
    );
    expect(byName(checks, "github installation").detail).toBe(
      "installed on organization acme (installation 31337)",
    );
    expect(byName(checks, "github permissions").detail).toBe(
      "organization_self_hosted_runners: write, actions: read",
    );
    const fixes = [LOCAL_NETWORK_FIX, KEYCHAIN_FIX, DHCP_LEASE_FIX, VM_LIMIT_FIX, LICENCE_NOTE];
    expect(checks.slice(-5).map((check) => [check.detail, check.hint])).toEqual(
      fixes.map((fix) => ["cannot be checked here (this is linux, not macOS)", fix]),
    );
  });

  it("names the exact fixes operators need for the macOS traps", () => {
    expect(DHCP_LEASE_FIX).toContain(
      "sudo defaults write /Library/Preferences/SystemConfiguration/com.apple.InternetSharing.default.plist bootpd -dict DHCPLeaseTimeSecs -int 600",
    );
    expect(LOCAL_NETWORK_FIX).toContain("System Settings → Privacy & Security → Local Network");
    expect(KEYCHAIN_FIX).toContain("security unlock-keychain");
    expect(VM_LIMIT_FIX).toContain("reboot");
    expect(LICENCE_NOTE).toContain("100 host CPU cores");
  });
});

describe("executor doctor failures", () => {
  it("FAILs an invalid configuration with every problem and skips what needs it", async () => {
    const checks = await w.run({ tart: { numberOfVirtualMachines: 3 } });
    const config = byName(checks, "config");
    expect(config.status).toBe("FAIL");
    expect(config.detail).toMatch(/tart-executor-1\.yaml: 1 problem$/);
    expect(config.hint).toMatch(/tart\.numberOfVirtualMachines: must be at most 2 .* — hint: set it to 2$/);
    expect(checks.map((check) => check.name)).not.toContain("github app");
  });

  it("FAILs a missing webhook secret through the configuration, and the example's placeholder", async () => {
    const missing = byName(await w.run({ github: { webhookSecret: null } }), "config");
    expect(missing.status).toBe("FAIL");
    expect(missing.hint).toContain("github.webhookSecret: is required");
    const placeholder = byName(
      await w.run({ github: { webhookSecret: "replace-with-your-webhook-secret" } }),
      "webhook secret",
    );
    expect(placeholder).toMatchObject({ status: "FAIL", detail: "still the example file's placeholder" });
    const skipped = byName(
      await w.run({ webhook: { insecureSkipSignatureVerification: true } }),
      "webhook secret",
    );
    expect(skipped.status).toBe("WARN");
  });

  it("FAILs when tart is missing, configured or not", async () => {
    const configured = byName(await w.run({ tart: { executable: "/nonexistent/tart" } }), "tart");
    expect(configured).toMatchObject({
      status: "FAIL",
      detail: "tart.executable /nonexistent/tart is not an executable file",
    });
    const onPath = byName(await w.run({ tart: { executable: null } }), "tart");
    expect(onPath).toEqual({
      name: "tart",
      status: "FAIL",
      detail: "not found on PATH, in /opt/homebrew/bin or in /usr/local/bin",
      hint: "install it with `brew install openai/tools/tart`, or set tart.executable to its path",
    });
  });

  it("FAILs a tart older than 2.28.0 or one that cannot run, and passes a newer one", async () => {
    const old = fakeTart("2.20.1");
    const current = fakeTart("2.28.0");
    try {
      const tooOld = byName(await w.run({ tart: { executable: old.executable } }), "tart");
      expect(tooOld).toMatchObject({
        status: "FAIL",
        hint: "install it from tart's current tap: `brew uninstall cirruslabs/cli/tart; brew install openai/tools/tart` (or `brew upgrade openai/tools/tart`)",
      });
      expect(tooOld.detail).toBe(
        `tart 2.20.1 at ${old.executable} is older than 2.28.0, the oldest release tart-executor supports`,
      );
      expect(byName(await w.run({ tart: { executable: current.executable } }), "tart").status).toBe("PASS");
      const broken = fakeTart("dyld: Library not loaded", "[]", 134);
      const failed = byName(await w.run({ tart: { executable: broken.executable } }), "tart");
      broken.cleanup();
      expect(failed).toMatchObject({
        status: "FAIL",
        detail: `\`${broken.executable} --version\` failed: dyld: Library not loaded`,
      });
    } finally {
      old.cleanup();
      current.cleanup();
    }
  });

  it("FAILs a TART_HOME this user cannot write, or cannot create", async () => {
    const home = w.world.tartHome;
    const denying: DoctorFs = {
      ...w.deps.fs,
      access: async (file, mode) => {
        if (file === home) throw Object.assign(new Error("EACCES"), { code: "EACCES" });
        return w.deps.fs.access(file, mode);
      },
    };
    const unwritable = byName(await w.run({}, { fs: denying }), "tart home");
    expect(unwritable).toMatchObject({
      status: "FAIL",
      detail: `${home} is not writable by this user (EACCES)`,
    });
    const underFile = path.join(w.world.privateKeyPath, "tart");
    const blocked = byName(await w.run({ tart: { homeFolder: underFile } }), "tart home");
    expect(blocked).toMatchObject({
      status: "FAIL",
      detail: `${underFile} (tart.homeFolder) cannot be created: ${w.world.privateKeyPath} is not a folder`,
    });
    const later = byName(await w.run({ tart: { homeFolder: path.join(home, "new", "home") } }), "tart home");
    expect(later).toMatchObject({ status: "PASS" });
    expect(later.detail).toMatch(/does not exist yet; tart will create it in .*tart-home$/);
  });

  it("FAILs below 25 GB of free disk and WARNs below 75 GB", async () => {
    const disk = (gb: number) => ({
      fs: { ...w.deps.fs, statfs: () => ({ bavail: (gb * 1e9) / 4096, bsize: 4096 }) },
    });
    expect(byName(await w.run({}, disk(10)), "disk space")).toMatchObject({ status: "FAIL" });
    expect(byName(await w.run({}, disk(50)), "disk space").detail).toBe(
      `50.0 GB free for ${w.world.tartHome}; below 75 GB the next image pull may fill the disk`,
    );
  });
});
