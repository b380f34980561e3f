/**
 * `tart create <name> --linux`: the fast fixture tart's own integration tests use (4 CPUs, 4 GiB,
 * a sparse disk of `--disk-size` GB). Installing macOS from an IPSW is beyond the simulation.
 */
import { closeSync, ftruncateSync, openSync, writeFileSync } from "node:fs";
import path from "node:path";
import { STRING, UINT16 } from "../cli/command-spec.js";
import type { TartCommand } from "../cli/command-spec.js";
import { TartFailure, TartValidationError } from "../cli/errors.js";
import { moveIntoPlace } from "../storage/local-storage.js";
import { randomLocalMac } from "../storage/mac-address.js";
import { createStaging } from "../storage/staging-dir.js";
import { writeVmConfig } from "../storage/vm-config.js";

const GIB = 1024 * 1024 * 1024;

export const createCommand: TartCommand = {
  spec: {
    name: "create",
    abstract: "Create a VM",
    args: [
      { type: "positional", name: "name", help: "VM name" },
      {
        type: "option",
        long: "from-ipsw",
        valueName: "path",
        help: 'create a macOS VM using path to the IPSW file or URL (or "latest", to fetch the latest supported IPSW automatically)',
        value: STRING,
      },
      { type: "flag", long: "linux", help: "create a Linux VM" },
      {
        type: "option",
        long: "disk-size",
        valueName: "disk-size",
        help: "Disk size in GB",
        value: UINT16,
        defaultText: "50",
      },
      {
        type: "option",
        long: "disk-format",
        valueName: "disk-format",
        help: "Disk image format",
        value: { kind: "enum", values: ["raw", "asif"] },
        defaultText: "raw",
      },
    ],
  },
  validate: (args) => {
    if (args.option("from-ipsw") === undefined && !args.flag("linux")) {
      throw new TartValidationError("Please specify either a --from-ipsw or --linux option!");
    }
  },
  run: async (args, ctx) => {
    if (!args.flag("linux"))
      throw new TartFailure(
        "[tart-sim] installing macOS from an IPSW is not simulated; use --linux or pull an image",
      );
    const home = ctx.home();
    const staging = createStaging(home, ctx.simDir);
    try {
      writeVmConfig(path.join(staging.dir, "config.json"), {
        version: 1,
        os: "linux",
        arch: "arm64",
        cpuCountMin: 4,
        cpuCount: 4,
        memorySizeMin: 4 * GIB,
        memorySize: 4 * GIB,
        macAddress: randomLocalMac(),
        display: { width: 1024, height: 768 },
        diskFormat: args.option("disk-format") === "asif" ? "asif" : "raw",
      });
      const disk = openSync(path.join(staging.dir, "disk.img"), "w");
      ftruncateSync(disk, (args.number("disk-size") ?? 50) * 1e9);
      closeSync(disk);
      writeFileSync(path.join(staging.dir, "nvram.bin"), Buffer.alloc(0));
      moveIntoPlace(home, args.positional("name"), staging.dir);
    } finally {
      staging.release();
    }
  },
};
