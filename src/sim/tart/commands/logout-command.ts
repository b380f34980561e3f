/** `tart logout <host>`: forgets the stored credentials; succeeds when there are none. */
import type { TartCommand } from "../cli/command-spec.js";
import { removeCredentials } from "../state/credentials.js";

export const logoutCommand: TartCommand = {
  spec: {
    name: "logout",
    abstract: "Logout from a registry",
    args: [{ type: "positional", name: "host", help: "host" }],
  },
  run: async (args, ctx) => {
    removeCredentials(ctx.simDir, args.positional("host"));
  },
};
