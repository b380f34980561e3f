/**
 * A VM's MAC address lives in `$TART_HOME/vms/<name>/config.json` (key `macAddress`, lower-case
 * `xx:xx:xx:xx:xx:xx`; openai/tart `Sources/tart/VMConfig.swift`). tart has no command that sets a
 * chosen MAC: `tart set` only has `--random-mac` (`Commands/Set.swift`), so the only way tart
 * supports is the VM's own config file, which `tart run` reads at start. `tart run` replaces a
 * MAC that a *running* VM of another name already uses with a random one (`Commands/Run.swift`,
 * "There is already a running VM with the same MAC address!"), and `tart clone` does the same for
 * any local VM with the source's MAC (`Commands/Clone.swift`), so a chosen MAC must be unique
 * among the local VMs. Written while the VM is not running (before `tart run`).
 */
import { readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** tart's home: TART_HOME, else ~/.tart (tart-cli.md §1). */
export function tartHome(env: Readonly<Record<string, string>>): string {
  return env["TART_HOME"] ?? path.join(env["HOME"] ?? homedir(), ".tart");
}

/** The MAC of every local VM whose config.json can be read, by VM name. */
export function readMacAddresses(home: string): Map<string, string> {
  const macs = new Map<string, string>();
  let names: string[];
  try {
    names = readdirSync(path.join(home, "vms"));
  } catch {
    return macs;
  }
  for (const name of names) {
    try {
      const config = JSON.parse(readFileSync(path.join(home, "vms", name, "config.json"), "utf8")) as {
        macAddress?: unknown;
      };
      if (typeof config.macAddress === "string") macs.set(name, config.macAddress.toLowerCase());
    } catch {
      // half-written or being deleted: tart itself skips such directories
    }
  }
  return macs;
}

/** Sets `macAddress` in the VM's config.json (atomically: a temporary file, then rename). */
export function writeMacAddress(home: string, name: string, mac: string): void {
  if (!MAC.test(mac)) throw new Error(`not a MAC address: ${JSON.stringify(mac)}`);
  const file = path.join(home, "vms", name, "config.json");
  const config = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  config["macAddress"] = mac;
  const temporary = `${file}.tart-executor-${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(config));
  renameSync(temporary, file);
}
