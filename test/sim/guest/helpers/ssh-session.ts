/** An ssh2 client for tests: connect with a password, run commands, collect their output. */
import type { ClientChannel, ExecOptions } from "ssh2";
import ssh2 from "ssh2";

const { Client } = ssh2;
export type SshClient = InstanceType<typeof Client>;

export interface ExecResult {
  readonly code: number | undefined;
  readonly signal: string | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

export function connectSsh(
  host: string,
  port: number,
  username: string,
  password: string,
  onHostKey?: (key: Buffer) => void,
): Promise<SshClient> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    // Errors after the first (a reset following a failed login) and after a guest lost power
    // are expected; tests observe them through rejections and "close".
    client.on("error", (error) => {
      reject(error);
      client.end();
    });
    client.once("ready", () => resolve(client));
    client.connect({
      host,
      port,
      username,
      password,
      readyTimeout: 5_000,
      hostVerifier: (key: Buffer) => {
        onHostKey?.(key);
        return true;
      },
    });
  });
}

/** Starts `command`; resolves with the open channel (for tests that interact with it). */
export function startExec(
  client: SshClient,
  command: string,
  options: ExecOptions = {},
): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.exec(command, options, (error, channel) => (error ? reject(error) : resolve(channel)));
  });
}

/** Runs `command` to completion, feeding it `stdin` (then EOF). */
export async function exec(client: SshClient, command: string, stdin?: string | Buffer): Promise<ExecResult> {
  const channel = await startExec(client, command);
  return collect(channel, stdin);
}

/** Collects the command's output; sends `stdin` then EOF unless `stdin` is false (input stays open). */
export function collect(channel: ClientChannel, stdin?: string | Buffer | false): Promise<ExecResult> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let code: number | undefined;
    let signal: string | undefined;
    channel.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    channel.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    channel.on("exit", (exitCode: number | null, exitSignal?: string) => {
      if (exitCode !== null) code = exitCode;
      if (exitSignal !== undefined) signal = exitSignal;
    });
    channel.on("close", () => resolve({ code, signal, stdout, stderr }));
    if (stdin !== false) channel.end(stdin);
  });
}
