/** The real machine for `doctor`: node's fs, child processes through execa, sockets, fetch. */
import { promises as fsp, statfsSync } from "node:fs";
import { availableParallelism, homedir } from "node:os";
import { createServer } from "node:net";
import { execa } from "execa";
import type { DoctorDeps, PortProbe, RunCommand } from "./doctor-deps.js";

export const runCommand: RunCommand = async (file, args, options = {}) => {
  const result = await execa(file, [...args], {
    reject: false,
    stdin: "ignore",
    timeout: options.timeoutMs ?? 30_000,
    killSignal: "SIGINT",
    forceKillAfterDelay: 5_000,
    ...(options.env === undefined ? {} : { env: { ...options.env }, extendEnv: false }),
  });
  return {
    exitCode: result.exitCode ?? null,
    stdout: String(result.stdout ?? ""),
    // A program that cannot be started has no exit code; execa's message says why.
    stderr: result.exitCode === undefined ? (result.message ?? "") : String(result.stderr ?? ""),
  };
};

export function probePort(host: string, port: number): Promise<PortProbe> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) =>
      resolve({ free: false, code: error.code ?? error.message }),
    );
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve({ free: true })));
  });
}

export function nodeDoctorDeps(env: Readonly<Record<string, string | undefined>>): DoctorDeps {
  return {
    env,
    homedir: homedir(),
    platform: process.platform,
    cpuCount: availableParallelism(),
    fs: {
      stat: (path) => fsp.stat(path),
      access: (path, mode) => fsp.access(path, mode),
      readFile: (path) => fsp.readFile(path, "utf8"),
      statfs: (path) => statfsSync(path),
    },
    runCommand,
    probePort,
    fetch: globalThis.fetch,
  };
}
