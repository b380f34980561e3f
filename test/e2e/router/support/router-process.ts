/**
 * The real `tart-router` CLI (`node bin/tart-router.js --config F`) as a child process in its own
 * process group, with its JSON log lines parsed and a bounded wait for the listening line.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { PACKAGE_ROOT, type LogLine, type ProcessExit } from "../../../helpers/executor-process.js";

export const ROUTER_BIN = path.join(PACKAGE_ROOT, "bin", "tart-router.js");

export interface RouterProcess {
  readonly pid: number;
  readonly lines: readonly string[];
  logs(): LogLine[];
  readonly exited: Promise<ProcessExit>;
  /** SIGKILL to its process group; resolves once it is gone. */
  kill(): Promise<ProcessExit>;
}

export interface RouterHost {
  readonly hostname: string;
  readonly url: string;
  readonly priority: number;
}

export function writeRouterConfig(
  file: string,
  settings: {
    port: number;
    webhookSecret: string;
    executorToken: string;
    stateDirectory: string;
    hosts: readonly RouterHost[];
  },
): string {
  writeFileSync(
    file,
    stringify({
      hostname: "router-1",
      labels: "tartelet",
      host: "127.0.0.1",
      port: settings.port,
      webhookSecret: settings.webhookSecret,
      executorToken: settings.executorToken,
      stateDirectory: settings.stateDirectory,
      statusIntervalSeconds: 1,
      forwardTimeoutSeconds: 2,
      hostBackoff: { initialSeconds: 0.5, maxSeconds: 1 },
      logging: { level: "debug" },
      hosts: settings.hosts,
    }),
  );
  return file;
}

export async function startRouterProcess(
  configPath: string,
  home: string,
  timeoutMs = 15_000,
): Promise<RouterProcess> {
  const child = spawn(process.execPath, [ROUTER_BIN, "--config", configPath], {
    cwd: PACKAGE_ROOT,
    env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: home },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const lines: string[] = [];
  const parsed: LogLine[] = [];
  const collect = (stream: NodeJS.ReadableStream): void => {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        if (!line.startsWith("{")) continue;
        try {
          parsed.push(JSON.parse(line) as LogLine);
        } catch {
          // not JSON
        }
      }
    });
  };
  collect(child.stdout);
  collect(child.stderr);
  const exited = new Promise<ProcessExit>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal })),
  );
  const kill = async (): Promise<ProcessExit> => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // gone already
      }
    }
    return exited;
  };
  const router: RouterProcess = { pid: child.pid ?? -1, lines, logs: () => [...parsed], exited, kill };
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited.then(() => (gone = true));
  while (!parsed.some((line) => line.msg === "tart-router listening")) {
    if (gone || Date.now() > deadline) {
      await kill();
      throw new Error(`tart-router did not start:\n${lines.slice(-30).join("\n")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return router;
}
