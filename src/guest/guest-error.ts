/**
 * Stable codes for every way the guest adapter fails; callers branch on `code`, never on text.
 * The command-level codes (ABORTED, COMMAND_TIMEOUT, CONNECTION_LOST) also serve the agent
 * channel (agent-session.ts), whose "connection" is tart exec's link to the guest agent.
 * - SSH_CONNECT_FAILED: the guest could not be reached or the handshake failed, up to the deadline
 * - SSH_AUTH_FAILED: the guest answered but refused our credentials (until the deadline, or `authRetries`)
 * - SSH_HOST_KEY_MISMATCH: the guest's host key does not match the pinned fingerprint
 * - SSH_CONFIG_INVALID: the connect options cannot work (e.g. an unparsable private key)
 * - SSH_ABORTED: the caller's AbortSignal fired
 * - SSH_COMMAND_TIMEOUT: a command ran longer than its `timeoutMs`
 * - SSH_CHANNEL_FAILED: the guest refused to start a command (e.g. too many sessions)
 * - SSH_STDIN_FAILED: the stream we were piping into a command failed
 * - SSH_CONNECTION_LOST: the connection dropped while we still needed it
 * - AGENT_UNREACHABLE: `tart exec <vm> true` never succeeded before the deadline (no agent in the image, or not up)
 * - GUEST_VALUE_INVALID: a value cannot be put into a guest command (NUL byte, bad path)
 */
export type GuestErrorCode =
  | "SSH_CONNECT_FAILED"
  | "SSH_AUTH_FAILED"
  | "SSH_HOST_KEY_MISMATCH"
  | "SSH_CONFIG_INVALID"
  | "SSH_ABORTED"
  | "SSH_COMMAND_TIMEOUT"
  | "SSH_CHANNEL_FAILED"
  | "SSH_STDIN_FAILED"
  | "SSH_CONNECTION_LOST"
  | "AGENT_UNREACHABLE"
  | "GUEST_VALUE_INVALID";

/** The one error type the guest adapter throws. Messages never contain passwords, keys or stdin. */
export class GuestError extends Error {
  override readonly name = "GuestError";
  readonly code: GuestErrorCode;

  constructor(code: GuestErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** True when `error` is a GuestError with the given code. */
export function isGuestError(error: unknown, code?: GuestErrorCode): error is GuestError {
  return error instanceof GuestError && (code === undefined || error.code === code);
}
