import { StringDecoder } from "node:string_decoder";
import type { ClientChannel } from "ssh2";
import type { BoundedOutput } from "./bounded-output.js";

/** What a command can be given on stdin. */
export type Stdin = string | Buffer | NodeJS.ReadableStream;

/** A channel 'data' handler: keeps the bytes for the result and passes the text on as it streams in. */
export function collect(
  output: BoundedOutput,
  listener: ((text: string) => void) | undefined,
): (chunk: Buffer) => void {
  const decoder = new StringDecoder("utf8");
  return (chunk) => {
    output.push(chunk);
    const text = listener === undefined ? "" : decoder.write(chunk);
    if (text !== "") listener?.(text);
  };
}

/** Sends `stdin` (if any) into the channel, then EOF. */
export function feedStdin(
  channel: ClientChannel,
  stdin: Stdin | undefined,
  onError: (cause: unknown) => void,
): void {
  if (!isStream(stdin)) {
    channel.end(stdin);
    return;
  }
  stdin.on("error", onError);
  stdin.pipe(channel);
}

export function isStream(stdin: Stdin | undefined): stdin is NodeJS.ReadableStream {
  return stdin !== undefined && typeof stdin !== "string" && !Buffer.isBuffer(stdin);
}
