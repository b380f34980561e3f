/**
 * `tart prune`: delete OCI cache entries (`--entries caches`, the default) or stopped local VMs
 * (`--entries vms`) by last access: older than N days, and/or beyond a space budget of N GiB.
 */
import { STRING, UINT } from "../cli/command-spec.js";
import type { TartCommand } from "../cli/command-spec.js";
import { TartValidationError } from "../cli/errors.js";
import { ociGc } from "../storage/oci-storage.js";
import { cachePrunables, pruneOlderThan, pruneSpaceBudget, vmPrunables } from "../storage/prunables.js";

const DAY_MS = 24 * 3600 * 1000;
const GIB = 1024 * 1024 * 1024;

export const pruneCommand: TartCommand = {
  spec: {
    name: "prune",
    abstract: "Prune OCI and IPSW caches or local VMs",
    args: [
      {
        type: "option",
        long: "entries",
        valueName: "entries",
        help: 'Entries to remove: "caches" targets OCI and IPSW caches and "vms" targets local VMs.',
        value: STRING,
        defaultText: "caches",
      },
      {
        type: "option",
        long: "older-than",
        valueName: "n",
        help: "Remove entries that were last accessed more than n days ago",
        value: UINT,
      },
      {
        type: "option",
        long: "cache-budget",
        valueName: "cache-budget",
        help: "",
        value: UINT,
        hidden: true,
      },
      {
        type: "option",
        long: "space-budget",
        valueName: "n",
        help: "Remove the least recently used entries that do not fit the specified space size budget n, expressed in gigabytes",
        value: UINT,
      },
      { type: "flag", long: "gc", help: "", hidden: true },
    ],
  },
  validate: (args, ctx) => {
    if (args.option("cache-budget") !== undefined) {
      ctx.out.error("--cache-budget is deprecated, please use --space-budget");
      if (args.option("space-budget") !== undefined) {
        throw new TartValidationError("--cache-budget is deprecated, please use --space-budget");
      }
    }
    const budget = args.option("space-budget") ?? args.option("cache-budget");
    if (args.option("older-than") === undefined && budget === undefined && !args.flag("gc")) {
      throw new TartValidationError("at least one pruning criteria must be specified");
    }
  },
  run: async (args, ctx) => {
    const home = ctx.home();
    if (args.flag("gc")) ociGc(home);
    const entries = args.option("entries") ?? "caches";
    if (entries !== "caches" && entries !== "vms") {
      throw new TartValidationError('unsupported --entries value, please specify either "caches" or "vms"');
    }
    const prunables = () => (entries === "caches" ? cachePrunables(home) : vmPrunables(home));
    const olderThan = args.number("older-than");
    if (olderThan !== undefined) pruneOlderThan(prunables(), new Date(Date.now() - olderThan * DAY_MS));
    const budget = args.number("space-budget") ?? args.number("cache-budget");
    if (budget !== undefined) pruneSpaceBudget(prunables(), budget * GIB);
  },
};
