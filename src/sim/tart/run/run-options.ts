/**
 * `tart run`'s `validate()`: flag combinations first, then the VM is opened — so a missing VM is
 * a plain error here (`Error: …`, exit 1), unlike every other command's exit 2.
 */
import type { ParsedArgs } from "../cli/parsed-args.js";
import { TartValidationError } from "../cli/errors.js";
import type { TartContext } from "../context.js";
import { openLocal } from "../storage/local-storage.js";

export interface RunOptions {
  readonly name: string;
  readonly suspendable: boolean;
  readonly softnet: boolean;
  readonly netHost: boolean;
  readonly bridged: readonly string[];
  readonly nested: boolean;
  readonly disks: readonly string[];
  readonly dirs: readonly string[];
  readonly rootDiskOpts: string;
}

export function validateRun(args: ParsedArgs, ctx: TartContext): RunOptions {
  const flag = (name: string): boolean => args.flag(name);
  if (flag("vnc") && flag("vnc-experimental")) {
    throw new TartValidationError("--vnc and --vnc-experimental are mutually exclusive");
  }
  const softnet =
    flag("net-softnet") ||
    ["net-softnet-allow", "net-softnet-block", "net-softnet-expose"].some(
      (o) => args.option(o) !== undefined,
    );
  const bridged = args.optionAll("net-bridged");
  if ([bridged.length > 0, softnet, flag("net-host")].filter(Boolean).length > 1) {
    throw new TartValidationError("--net-bridged, --net-softnet and --net-host are mutually exclusive");
  }
  if (flag("graphics") && flag("no-graphics")) {
    throw new TartValidationError("--graphics and --no-graphics are mutually exclusive");
  }
  if ((flag("no-graphics") || flag("vnc") || flag("vnc-experimental")) && flag("capture-system-keys")) {
    throw new TartValidationError("--captures-system-keys can only be used with the default VM view");
  }
  const name = args.positional("name");
  const vm = openLocal(ctx.home(), name);
  const suspendable = flag("suspendable") || vm.state() === "suspended";
  const os = vm.config().os;
  if (suspendable) {
    if (os !== "darwin") throw new TartValidationError("You can only suspend macOS VMs");
    for (const device of ["trackpad", "keyboard", "pointer"]) {
      if (flag(`no-${device}`))
        throw new TartValidationError(`--no-${device} cannot be used with --suspendable`);
    }
  }
  if (flag("no-trackpad") && os !== "darwin") {
    throw new TartValidationError("--no-trackpad can only be used with macOS VMs");
  }
  const disks = args.optionAll("disk");
  if (disks.some((d) => d.endsWith("-amd64.iso"))) {
    throw new TartValidationError(
      "Seems you have a disk targeting x86 architecture (hence amd64 in the name). Please use an 'arm64' version of the disk.",
    );
  }
  return {
    name,
    suspendable,
    softnet,
    netHost: flag("net-host"),
    bridged,
    nested: flag("nested"),
    disks,
    dirs: args.optionAll("dir"),
    rootDiskOpts: args.option("root-disk-opts") ?? "",
  };
}
