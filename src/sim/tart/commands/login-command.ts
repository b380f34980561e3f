/**
 * `tart login <host> --username U --password-stdin [--no-validate]`: reads the password from stdin
 * (trailing newlines cut), checks it against the registry unless told not to, and stores it. The
 * sim has no Keychain; credentials go to `<simDir>/credentials.json`.
 */
import type { TartCommand } from "../cli/command-spec.js";
import { STRING } from "../cli/command-spec.js";
import { TartFailure, TartRuntimeError, TartValidationError } from "../cli/errors.js";
import { swiftCase } from "../io/swift-describe.js";
import { imagesOnHost } from "../registry/remote-image.js";
import { storeCredentials } from "../state/credentials.js";
import type { Credentials } from "../state/credentials.js";
import type { TartContext } from "../context.js";
import { INSECURE_HELP } from "./pull-command.js";

export const loginCommand: TartCommand = {
  spec: {
    name: "login",
    abstract: "Login to a registry",
    args: [
      { type: "positional", name: "host", help: "host" },
      { type: "option", long: "username", valueName: "username", help: "username", value: STRING },
      { type: "flag", long: "password-stdin", help: "password-stdin" },
      { type: "flag", long: "insecure", help: INSECURE_HELP },
      {
        type: "flag",
        long: "no-validate",
        help: "skip validation of the registry's credentials before logging-in",
      },
    ],
  },
  validate: (args) => {
    if ((args.option("username") !== undefined) !== args.flag("password-stdin")) {
      throw new TartValidationError("both --username and --password-stdin are required");
    }
  },
  run: async (args, ctx) => {
    const host = args.positional("host");
    const username = args.option("username");
    // Without the flags tart prompts on the TTY; a daemon has none.
    if (username === undefined)
      throw new TartFailure(swiftCase("CredentialRequired", [["which", "username"]]));
    const password = (await readStdin()).replace(/[\r\n]+$/, "");
    const credentials = { username, password };
    if (!args.flag("no-validate")) validate(ctx, host, credentials);
    storeCredentials(ctx.simDir, host, credentials);
  },
};

/** `GET https://<host>/v2/` with the credentials, against the simulated registry. */
function validate(ctx: TartContext, host: string, credentials: Credentials): void {
  const images = imagesOnHost(ctx.config(), host);
  if (images.length === 0) {
    throw new TartRuntimeError(
      'invalid credentials: Error Domain=NSURLErrorDomain Code=-1003 "A server with the specified hostname could not be found."',
    );
  }
  const accounts = images.flatMap((i) => (i.image.auth === undefined ? [] : [i.image.auth]));
  const known = accounts.some(
    (a) => a.username === credentials.username && a.password === credentials.password,
  );
  if (accounts.length > 0 && !known) {
    throw new TartRuntimeError(
      `invalid credentials: ${swiftCase("UnexpectedHTTPStatusCode", [
        ["when", "doing ping"],
        ["code", 401],
        ["details", ""],
      ])}`,
    );
  }
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on("data", (chunk: Buffer) => chunks.push(chunk));
    process.stdin.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.once("error", reject);
  });
}
