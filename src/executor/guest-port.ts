/** What the VM lifecycle needs from an SSH session into a guest (implemented by src/guest). */
export interface GuestExecResult {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface GuestSessionPort {
  exec(
    command: string,
    options?: {
      stdin?: string | Buffer;
      onStdout?: (chunk: string) => void;
      onStderr?: (chunk: string) => void;
      timeoutMs?: number;
      signal?: AbortSignal;
    },
  ): Promise<GuestExecResult>;
  close(): Promise<void>;
}

/** Connects to a guest's SSH server, retrying until `deadline` (ms since epoch). */
export type ConnectGuestPort = (target: {
  readonly host: string;
  readonly deadline: number;
  readonly signal: AbortSignal;
}) => Promise<GuestSessionPort>;
