/** `tart pull <remote-name>`: a local VM of that name short-circuits; else pull into the OCI cache. */
import { UINT } from "../cli/command-spec.js";
import type { TartCommand } from "../cli/command-spec.js";
import { TartValidationError } from "../cli/errors.js";
import { pullImage } from "../registry/pull-image.js";
import { progressLogger } from "../registry/progress-logger.js";
import { localExists } from "../storage/local-storage.js";
import { parseRemoteName, remoteNameText } from "../storage/remote-name.js";

export const INSECURE_HELP = "connect to the OCI registry via insecure HTTP protocol";
export const CONCURRENCY_HELP =
  "network concurrency to use when pulling a remote VM from the OCI-compatible registry";

export const pullCommand: TartCommand = {
  spec: {
    name: "pull",
    abstract: "Pull a VM from a registry",
    args: [
      { type: "positional", name: "remote-name", help: "remote VM name" },
      { type: "flag", long: "insecure", help: INSECURE_HELP },
      {
        type: "option",
        long: "concurrency",
        valueName: "concurrency",
        help: CONCURRENCY_HELP,
        value: UINT,
        defaultText: "4",
      },
      { type: "flag", long: "deduplicate", help: "", hidden: true },
    ],
  },
  validate: (args) => {
    if (args.number("concurrency") === 0)
      throw new TartValidationError("network concurrency cannot be less than 1");
  },
  run: async (args, ctx) => {
    const text = args.positional("remote-name");
    // "Be more liberal when accepting local image as argument" (tart #36).
    if (localExists(ctx.home(), text)) {
      ctx.out.line(`"${text}" is a local image, nothing to pull here!`);
      return;
    }
    const name = parseRemoteName(text);
    progressLogger(ctx.env, ctx.out).appendNewLine(`pulling ${remoteNameText(name)}...`);
    await pullImage(ctx, name);
  },
};
