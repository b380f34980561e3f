/** `tart run`'s arguments, in tart's declaration order (more than 12, so usage shows `[<options>]`). */
import { STRING } from "../cli/command-spec.js";
import type { ArgSpec, CommandSpec } from "../cli/command-spec.js";

const flag = (long: string, help: string, hidden = false): ArgSpec => ({ type: "flag", long, help, hidden });
const option = (long: string, valueName: string, help: string, repeating = false): ArgSpec => ({
  type: "option",
  long,
  valueName,
  help,
  value: STRING,
  repeating,
});

export const runSpec: CommandSpec = {
  name: "run",
  abstract: "Run a VM",
  args: [
    { type: "positional", name: "name", help: "VM name" },
    flag("no-graphics", "Don't open a UI window."),
    flag("serial", "Open serial console in /dev/ttySXX"),
    option("serial-path", "serial-path", "Attach an externally created serial console"),
    flag("graphics", "Force open a UI window, even when VNC is enabled.", true),
    flag("no-audio", "Disable audio pass-through to host."),
    flag("no-clipboard", "Disable clipboard sharing between host and guest."),
    flag("recovery", "Boot into recovery mode"),
    flag("vnc", "Use screen sharing instead of the built-in UI."),
    flag("vnc-experimental", "Use Virtualization.Framework's VNC server instead of the built-in UI."),
    option(
      "disk",
      "path[:options]",
      "Additional disk attachments with an optional read-only and synchronization options in the form of path[:options]",
      true,
    ),
    option(
      "rosetta",
      "tag",
      'Attaches a Rosetta share to the guest Linux VM with a specific tag (e.g. --rosetta="rosetta")',
    ),
    option(
      "dir",
      "[name:]path[:options]",
      "Additional directory shares with an optional read-only and mount tag options in the form of [name:]path[:options]",
      true,
    ),
    flag("nested", "Enable nested virtualization if possible"),
    option(
      "net-bridged",
      "interface name",
      "Use bridged networking instead of the default shared (NAT) networking",
      true,
    ),
    flag(
      "net-softnet",
      "Use software networking provided by Softnet instead of the default shared (NAT) networking",
    ),
    option(
      "net-softnet-allow",
      "comma-separated CIDRs",
      "Comma-separated list of CIDRs to allow the traffic to when using Softnet isolation",
    ),
    option(
      "net-softnet-block",
      "comma-separated CIDRs",
      "Comma-separated list of CIDRs to block the traffic to when using Softnet isolation",
    ),
    option(
      "net-softnet-expose",
      "comma-separated port specifications",
      "Comma-separated list of TCP ports to expose (e.g. --net-softnet-expose 2222:22,8080:80)",
    ),
    flag("net-host", "Restrict network access to the host-only network"),
    option(
      "root-disk-opts",
      "options",
      'Set the root disk options (e.g. --root-disk-opts="ro" or --root-disk-opts="caching=cached,sync=none")',
    ),
    flag(
      "suspendable",
      "Disables audio and entropy devices and switches to only Mac-specific input devices.",
    ),
    flag("capture-system-keys", "Whether system hot keys should be sent to the guest instead of the host"),
    flag("no-trackpad", "Don't add trackpad as a pointing device on macOS VMs"),
    flag("no-pointer", "Disable the pointer"),
    flag("no-keyboard", "Disable the keyboard"),
  ],
};
