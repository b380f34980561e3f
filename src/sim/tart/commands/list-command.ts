/** `tart list`: local VMs by name, then OCI entries (tags and digests) by name. */
import type { TartCommand } from "../cli/command-spec.js";
import { STRING } from "../cli/command-spec.js";
import { TartValidationError } from "../cli/errors.js";
import { iso8601, relativeDate } from "../io/relative-date.js";
import { swiftJson } from "../io/swift-json.js";
import { plainTable } from "../io/text-table.js";
import { listLocal } from "../storage/local-storage.js";
import { listOci } from "../storage/oci-storage.js";
import type { VmDirectory } from "../storage/vm-directory.js";
import { FORMAT_OPTION } from "./format-option.js";

interface VmInfo {
  readonly Source: "local" | "OCI";
  readonly Name: string;
  readonly Disk: number;
  readonly Size: number;
  readonly Accessed: Date;
  readonly Running: boolean;
  readonly State: string;
}

export const listCommand: TartCommand = {
  spec: {
    name: "list",
    abstract: "List created VMs",
    args: [
      {
        type: "option",
        long: "source",
        valueName: "source",
        help: "Only display VMs from the specified source (e.g. --source local, --source oci).",
        value: STRING,
      },
      FORMAT_OPTION,
      { type: "flag", long: "quiet", short: "q", help: "Only display VM names." },
    ],
  },
  validate: (args) => {
    const source = args.option("source");
    if (source !== undefined && source !== "local" && source !== "oci") {
      throw new TartValidationError(`'${source}' is not a valid <source>`);
    }
  },
  run: async (args, ctx) => {
    const home = ctx.home();
    const source = args.option("source");
    const infos: VmInfo[] = [];
    if (source === undefined || source === "local")
      infos.push(...listLocal(home).map((vm) => info("local", vm.name, vm)));
    if (source === undefined || source === "oci")
      infos.push(...listOci(home).map((e) => info("OCI", e.name, e.dir)));
    if (args.flag("quiet")) {
      for (const i of infos) ctx.out.line(i.Name);
      return;
    }
    if (args.option("format") === "json") {
      const rows = infos.map((i) => ({ ...i, Accessed: iso8601(i.Accessed) }));
      ctx.out.line(swiftJson(rows, true));
      return;
    }
    const now = new Date();
    const headers = ["Source", "Name", "Disk", "Size", "Accessed", "State"];
    const rows = infos.map((i) => [
      i.Source,
      i.Name,
      String(i.Disk),
      String(i.Size),
      relativeDate(i.Accessed, now),
      i.State,
    ]);
    ctx.out.line(plainTable(headers, rows));
  },
};

function info(source: VmInfo["Source"], name: string, dir: VmDirectory): VmInfo {
  const state = dir.state();
  return {
    Source: source,
    Name: name,
    Disk: dir.sizeGB(),
    Size: dir.allocatedGB(),
    Accessed: dir.accessDate(),
    Running: state === "running",
    State: state,
  };
}
