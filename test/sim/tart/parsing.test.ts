/** tart-cli.md §4.1: swift-argument-parser behaviour — option placement, `--x=y`, errors + usage, exit 64. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, createSimHome, seedVm } from "./tart-harness.js";
import type { SimHome } from "./tart-harness.js";

let sim: SimHome;

beforeAll(() => {
  assertBuilt();
  sim = createSimHome();
  seedVm(sim.home, "vm", { cpu: 4 });
});
afterAll(() => sim.cleanup());

describe("argument parsing", () => {
  it("accepts options before or after positionals, and --opt=value", async () => {
    const [before, after] = await Promise.all([
      sim.tart(["get", "--format", "json", "vm"]),
      sim.tart(["get", "vm", "--format=json"]),
    ]);
    expect(before).toMatchObject({ code: 0, stderr: "" });
    expect(after).toMatchObject({ code: 0, stderr: "", stdout: before.stdout });
    expect(await sim.tart(["set", "--cpu=6", "vm"])).toMatchObject({ code: 0, stdout: "", stderr: "" });
    const changed = await sim.tart(["get", "vm", "--format", "json"]);
    expect(JSON.parse(changed.stdout)).toMatchObject({ CPU: 6 });
  });

  it("rejects an unknown flag with a suggestion, the usage block and exit 64", async () => {
    const r = await sim.tart(["ip", "vm", "--wiat", "5"]);
    expect(r.code).toBe(64);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "Error: Unknown option '--wiat'. Did you mean '--wait'?\n" +
        "Usage: tart ip <name> [--wait <wait>] [--resolver <resolver>]\n" +
        "  See 'tart ip --help' for more information.\n",
    );
  });

  it("rejects a bad enum value and a non-numeric value with Help lines", async () => {
    const [format, wait] = await Promise.all([
      sim.tart(["list", "--format", "yaml"]),
      sim.tart(["ip", "vm", "--wait=soon"]),
    ]);
    expect(format.code).toBe(64);
    expect(format.stderr).toBe(
      "Error: The value 'yaml' is invalid for '--format <format>'. Please provide one of 'text' and 'json'.\n" +
        "Help:  --format <format>  Output format: text or json\n" +
        "Usage: tart list [--source <source>] [--format <format>] [--quiet]\n" +
        "  See 'tart list --help' for more information.\n",
    );
    expect(wait.code).toBe(64);
    expect(wait.stderr.split("\n")[0]).toBe("Error: The value 'soon' is invalid for '--wait <wait>'");
  });

  it("reports missing and unexpected arguments", async () => {
    const [missing, extra, unknownCommand] = await Promise.all([
      sim.tart(["stop"]),
      sim.tart(["get", "vm", "other"]),
      sim.tart(["launch", "vm"]),
    ]);
    expect(missing).toMatchObject({ code: 64, stdout: "" });
    expect(missing.stderr).toBe(
      "Error: Missing expected argument '<name>'\n" +
        "Help:  <name>  VM name\n" +
        "Usage: tart stop <name> [--timeout <timeout>]\n" +
        "  See 'tart stop --help' for more information.\n",
    );
    expect(extra.code).toBe(64);
    expect(extra.stderr.split("\n")[0]).toBe("Error: Unexpected argument 'other'");
    expect(unknownCommand.code).toBe(64);
    expect(unknownCommand.stderr).toBe(
      "Error: Unexpected argument 'launch'\nUsage: tart <subcommand>\n  See 'tart --help' for more information.\n",
    );
  });

  it("applies the validation rules: clone/rename '/' check, list --source, run network exclusivity", async () => {
    const [clone, rename, source, network] = await Promise.all([
      sim.tart(["clone", "vm", "org/vm"]),
      sim.tart(["rename", "vm", "a/b"]),
      sim.tart(["list", "--source", "remote"]),
      sim.tart(["run", "vm", "--net-softnet", "--net-bridged=en0"]),
    ]);
    expect(clone.code).toBe(64);
    expect(clone.stderr).toBe(
      "Error: <new-name> should be a local name\n" +
        "Usage: tart clone <source-name> <new-name> [--insecure] [--concurrency <concurrency>] [--prune-limit <n>]\n" +
        "  See 'tart clone --help' for more information.\n",
    );
    expect(rename).toMatchObject({ code: 64 });
    expect(rename.stderr.split("\n")[0]).toBe("Error: <new-name> should be a local name");
    expect(source.code).toBe(64);
    expect(source.stderr.split("\n")[0]).toBe("Error: 'remote' is not a valid <source>");
    expect(network.code).toBe(64);
    expect(network.stderr).toBe(
      "Error: --net-bridged, --net-softnet and --net-host are mutually exclusive\n" +
        "Usage: tart run [<options>] <name>\n" +
        "  See 'tart run --help' for more information.\n",
    );
  });

  it("treats flags given values and -- terminators like swift-argument-parser", async () => {
    const [flagValue, terminator] = await Promise.all([
      sim.tart(["list", "--quiet=yes"]),
      sim.tart(["get", "--", "--format"]),
    ]);
    expect(flagValue.code).toBe(64);
    expect(flagValue.stderr.split("\n")[0]).toBe(
      "Error: The option '--quiet' does not take any value, but 'yes' was specified.",
    );
    expect(terminator.code).toBe(2);
    expect(terminator.stderr).toBe('the specified VM "--format" does not exist\n');
  });

  it("prints the version and help on stdout with exit 0", async () => {
    const [version, help, sub] = await Promise.all([
      sim.tart(["--version"]),
      sim.tart(["--help"]),
      sim.tart(["clone", "--help"]),
    ]);
    expect(version).toMatchObject({ code: 0, stdout: "2.32.1\n", stderr: "" });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("USAGE: tart <subcommand>");
    expect(help.stdout).toContain("  clone                   Clone a VM\n");
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain(
      "USAGE: tart clone <source-name> <new-name> [--insecure] [--concurrency <concurrency>] [--prune-limit <n>]",
    );
  });
});
