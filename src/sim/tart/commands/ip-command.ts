/**
 * `tart ip <name> [--wait S] [--resolver dhcp|arp|agent]`: a missing VM fails at once (exit 2);
 * otherwise resolve, sleep one poll interval, repeat until `--wait` has passed. The dhcp resolver
 * reads the lease file and does not care whether the VM runs, so a stopped VM can answer (#172).
 */
import { UINT16 } from "../cli/command-spec.js";
import type { TartCommand } from "../cli/command-spec.js";
import { TartRuntimeError } from "../cli/errors.js";
import type { TartContext } from "../context.js";
import { sleep } from "../io/sleep.js";
import { probeControlSocket } from "../run/control-socket.js";
import { leaseNow, leasesUnreadable, resolveLease } from "../state/leases.js";
import { fireExtraFault } from "../state/sim-extras.js";
import { openLocal } from "../storage/local-storage.js";
import type { VmDirectory } from "../storage/vm-directory.js";

type Resolver = "dhcp" | "arp" | "agent";

export const ipCommand: TartCommand = {
  spec: {
    name: "ip",
    abstract: "Get VM's IP address",
    args: [
      { type: "positional", name: "name", help: "VM name" },
      {
        type: "option",
        long: "wait",
        valueName: "wait",
        help: "Number of seconds to wait for a potential VM booting",
        value: UINT16,
        defaultText: "0",
      },
      {
        type: "option",
        long: "resolver",
        valueName: "resolver",
        help: "Strategy for resolving IP address",
        value: { kind: "enum", values: ["dhcp", "arp", "agent"] },
        defaultText: "dhcp",
      },
    ],
  },
  run: async (args, ctx) => {
    const vm = openLocal(ctx.home(), args.positional("name"));
    const config = vm.config();
    const resolver = (args.option("resolver") ?? "dhcp") as Resolver;
    const waitUntil = Date.now() + (args.number("wait") ?? 0) * 1000;
    const pollMs = ctx.config().delays.ipPollMs;
    do {
      const ip = await resolve(ctx, vm, config.macAddress, resolver);
      if (ip !== undefined) {
        ctx.out.line(ip);
        return;
      }
      await sleep(pollMs, ctx.cancel);
    } while (Date.now() < waitUntil);
    let message = "no IP address found";
    if (!vm.running()) message += ", is your VM running?";
    if (resolver === "agent")
      message += " (also make sure that Guest agent for Tart is running inside of a VM)";
    else if (resolver === "arp" && config.os === "linux") {
      message += " (not all Linux distributions are compatible with the ARP resolver)";
    }
    throw new TartRuntimeError(message);
  },
};

async function resolve(
  ctx: TartContext,
  vm: VmDirectory,
  mac: string,
  resolver: Resolver,
): Promise<string | undefined> {
  switch (resolver) {
    case "dhcp":
      if (fireExtraFault(ctx.simDir, ctx.extras(), "leasesUnreadable", vm.name) !== undefined)
        throw leasesUnreadable();
      return resolveLease(ctx.simDir, mac, leaseNow(ctx.config().network.leaseClockOffsetSeconds));
    case "arp": {
      // The host's ARP table learns a guest from its traffic; softnet keeps it out of the table.
      const record = vm.runRecord();
      return record?.network === "softnet" ? undefined : record?.ip;
    }
    case "agent": {
      const record = vm.runRecord();
      if (record?.ip === undefined) return undefined;
      return (await probeControlSocket(vm.controlSocketPath)) ? record.ip : undefined;
    }
  }
}
