/**
 * The simulated Tart Guest Agent's wire protocol on `vms/<n>/control.sock`, standing in for tart's
 * gRPC `Agent.Exec` stream (tart-guest-agent `proto/rpc/agent.proto`): frames of
 * `[type u8][length u32 BE][payload]`. The agent greets every connection with HELLO (a connection
 * closed without it is what tart's gRPC pool sees when the agent is not running); the client sends
 * COMMAND (JSON), then STDIN chunks (an empty one is EOF); the agent answers STDOUT/STDERR chunks
 * and finally EXIT (int32 BE) or ERROR (the gRPC status text, e.g. `unknown (2): exec: …`).
 */
import type { Socket } from "node:net";

export const Frame = {
  Hello: 0,
  Command: 1,
  Stdin: 2,
  Stdout: 3,
  Stderr: 4,
  Exit: 5,
  Error: 6,
} as const;
export type FrameType = (typeof Frame)[keyof typeof Frame];

export interface AgentCommand {
  readonly name: string;
  readonly args: readonly string[];
  readonly interactive: boolean;
  readonly tty: boolean;
}

export function writeFrame(
  socket: Socket,
  type: FrameType,
  payload: Buffer | string = Buffer.alloc(0),
): void {
  const body = typeof payload === "string" ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(5);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(body.length, 1);
  socket.write(Buffer.concat([header, body]));
}

export function exitPayload(code: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(code, 0);
  return buffer;
}

/** Calls `onFrame` for every complete frame arriving on `socket`. */
export function readFrames(socket: Socket, onFrame: (type: number, payload: Buffer) => void): void {
  let pending = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 5) {
      const length = pending.readUInt32BE(1);
      if (pending.length < 5 + length) break;
      const type = pending.readUInt8(0);
      const payload = pending.subarray(5, 5 + length);
      pending = pending.subarray(5 + length);
      onFrame(type, payload);
    }
  });
}
