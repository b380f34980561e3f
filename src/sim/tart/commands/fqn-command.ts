/** `tart fqn <name>` (hidden): the digest a cached remote name points at, e.g. `host/ns@sha256:…`. */
import { realpathSync } from "node:fs";
import path from "node:path";
import type { TartCommand } from "../cli/command-spec.js";
import { TartRuntimeError } from "../cli/errors.js";
import { ociPath } from "../storage/oci-storage.js";
import { remoteNameText, tryRemoteName, withDigest } from "../storage/remote-name.js";

export const fqnCommand: TartCommand = {
  spec: {
    name: "fqn",
    abstract: "Get a fully-qualified VM name",
    hidden: true,
    args: [{ type: "positional", name: "name", help: "VM name" }],
  },
  run: async (args, ctx) => {
    const name = args.positional("name");
    const remote = tryRemoteName(name);
    if (remote === undefined) {
      ctx.out.line(name);
      return;
    }
    let digest: string;
    try {
      digest = path.basename(realpathSync(ociPath(ctx.home(), remote)));
    } catch {
      digest = path.basename(ociPath(ctx.home(), remote));
    }
    if (!digest.startsWith("sha256:")) {
      throw new TartRuntimeError(
        `OCI storage error: ${remoteNameText(remote)} is not a digest and doesn't point to a digest`,
      );
    }
    ctx.out.line(remoteNameText(withDigest(remote, digest)));
  },
};
