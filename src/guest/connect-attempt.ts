import ssh2 from "ssh2";
import type { Client as SshClient, ConnectConfig } from "ssh2";
import { GuestError } from "./guest-error.js";
import { fingerprintHostKey, hostKeyMatchesPin } from "./host-key-fingerprint.js";

const { Client } = ssh2;

/** Everything one connection attempt needs. */
export interface AttemptOptions {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** Also answers keyboard-interactive prompts, which macOS sshd may use for passwords. */
  readonly password?: string;
  /** PEM / OpenSSH private key text (unencrypted). */
  readonly privateKey?: string;
  /**
   * Pin: base64 SHA-256 of the raw host key blob, with or without `SHA256:` and padding. Without
   * it any host key is accepted; the session still reports the fingerprint it saw.
   */
  readonly hostKeySha256?: string;
  /** Limit for one attempt: TCP connect, handshake and authentication (ssh2's readyTimeout). */
  readonly readyTimeoutMs: number;
  /** SSH-level keepalive period (0: off); three unanswered ones count as a lost connection. */
  readonly keepaliveIntervalMs: number;
}

export interface ConnectedClient {
  readonly client: SshClient;
  readonly hostKeyFingerprint: string;
}

type Ssh2Error = Error & { level?: string };

function sshConfig(options: AttemptOptions, verifyHostKey: (key: Buffer) => boolean): ConnectConfig {
  return {
    host: options.host,
    port: options.port,
    username: options.username,
    readyTimeout: options.readyTimeoutMs,
    keepaliveInterval: options.keepaliveIntervalMs,
    hostVerifier: verifyHostKey,
    // macOS sshd may offer only keyboard-interactive for passwords; we answer it with the password.
    ...(options.password === undefined ? {} : { password: options.password, tryKeyboard: true }),
    ...(options.privateKey === undefined ? {} : { privateKey: options.privateKey }),
  };
}

/**
 * One attempt to connect and authenticate. Rejects with a GuestError whose code tells the retry
 * loop what to do: SSH_CONNECT_FAILED (retry), SSH_AUTH_FAILED (retry a little),
 * SSH_HOST_KEY_MISMATCH / SSH_CONFIG_INVALID / SSH_ABORTED (give up).
 */
export function connectAttempt(options: AttemptOptions, signal?: AbortSignal): Promise<ConnectedClient> {
  const target = `${options.username}@${options.host}:${options.port}`;
  return new Promise((resolve, reject) => {
    const client = new Client();
    let fingerprint: string | undefined;
    let hostKeyRejected = false;

    const verifyHostKey = (key: Buffer): boolean => {
      fingerprint = fingerprintHostKey(key);
      const pin = options.hostKeySha256;
      hostKeyRejected = pin !== undefined && !hostKeyMatchesPin(fingerprint, pin);
      return !hostKeyRejected;
    };
    const classify = (error: Ssh2Error): GuestError => {
      if (hostKeyRejected) {
        const message = `host key of ${target} is ${fingerprint}, expected ${options.hostKeySha256}`;
        return new GuestError("SSH_HOST_KEY_MISMATCH", message, { cause: error });
      }
      if (error.level === "client-authentication") {
        return new GuestError("SSH_AUTH_FAILED", `${target} refused our credentials`, { cause: error });
      }
      return new GuestError("SSH_CONNECT_FAILED", `cannot connect to ${target}: ${error.message}`, {
        cause: error,
      });
    };

    const settle = (failure: GuestError | null): void => {
      client.off("ready", onReady).off("error", onError).off("close", onClose);
      signal?.removeEventListener("abort", onAbort);
      // Keeps a late 'error' from crashing the process; the session adds its own listener.
      client.on("error", () => {});
      if (failure === null && fingerprint !== undefined) {
        resolve({ client, hostKeyFingerprint: fingerprint });
        return;
      }
      client.destroy();
      reject(failure ?? new GuestError("SSH_CONNECT_FAILED", `${target} sent no host key`));
    };
    const onReady = (): void => settle(null);
    const onError = (error: Ssh2Error): void => settle(classify(error));
    const onClose = (): void =>
      settle(new GuestError("SSH_CONNECT_FAILED", `${target} closed the connection during the handshake`));
    const onAbort = (): void =>
      settle(new GuestError("SSH_ABORTED", `connecting to ${target} was aborted`, { cause: signal?.reason }));

    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    client.on("ready", onReady).on("error", onError).on("close", onClose);
    client.on("keyboard-interactive", (_name, _instructions, _lang, prompts, finish) => {
      finish(prompts.map(() => options.password ?? ""));
    });
    try {
      client.connect(sshConfig(options, verifyHostKey));
    } catch (error) {
      // ssh2 throws synchronously only for unusable options, typically a private key it cannot parse.
      const reason = error instanceof Error ? error.message : String(error);
      settle(
        new GuestError("SSH_CONFIG_INVALID", `cannot connect to ${target}: ${reason}`, { cause: error }),
      );
    }
  });
}
