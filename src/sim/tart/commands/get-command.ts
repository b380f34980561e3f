/** `tart get <name>`: one VM's configuration; `Size` is a string with 3 decimals, `Memory` is MiB. */
import type { TartCommand } from "../cli/command-spec.js";
import { swiftJson } from "../io/swift-json.js";
import { plainTable } from "../io/text-table.js";
import { openLocal } from "../storage/local-storage.js";
import { displayText } from "../storage/vm-config.js";
import { FORMAT_OPTION } from "./format-option.js";

export const getCommand: TartCommand = {
  spec: {
    name: "get",
    abstract: "Get a VM's configuration",
    args: [{ type: "positional", name: "name", help: "VM name." }, FORMAT_OPTION],
  },
  run: async (args, ctx) => {
    const vm = openLocal(ctx.home(), args.positional("name"));
    const config = vm.config();
    const state = vm.state();
    const info = {
      OS: config.os,
      CPU: config.cpuCount,
      Memory: Math.floor(config.memorySize / 1024 / 1024),
      Disk: vm.sizeGB(),
      DiskFormat: config.diskFormat,
      Size: gigabytes(vm.allocatedBytes()),
      Display: displayText(config.display),
      Running: state === "running",
      State: state,
    };
    if (args.option("format") === "json") {
      const { CPU, Disk, DiskFormat, Display, Memory, OS, Running, Size, State } = info;
      ctx.out.line(swiftJson({ CPU, Disk, DiskFormat, Display, Memory, OS, Running, Size, State }, true));
      return;
    }
    const headers = ["OS", "CPU", "Memory", "Disk", "DiskFormat", "Size", "Display", "State"];
    const row = [
      info.OS,
      info.CPU,
      info.Memory,
      info.Disk,
      info.DiskFormat,
      info.Size,
      info.Display,
      info.State,
    ];
    ctx.out.line(plainTable(headers, [row.map(String)]));
  },
};

/** `String(format: "%.3f", Float(bytes) / 1000 / 1000 / 1000)`, in single precision like Swift's Float. */
function gigabytes(bytes: number): string {
  const f = Math.fround;
  return f(f(f(f(bytes) / 1000) / 1000) / 1000).toFixed(3);
}
