/**
 * Starts a real OpenSSH sshd on a free loopback port for integration tests: key auth for the
 * current user (root in CI), a throw-away host key, and HOME pointed at a temp directory so
 * `~/…` guest paths land there (the working directory stays the user's real home).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { generateParsableEd25519Key } from "../../src/sim/guest/parsable-ed25519-key.js";

const SSHD = "/usr/sbin/sshd";

export interface SshdOptions {
  /** An extra public key line (`ssh-ed25519 AAAA…`) to authorize besides the generated client key. */
  readonly authorizedKey?: string;
}

export interface RunningSshd {
  readonly host: "127.0.0.1";
  readonly port: number;
  /** Base64 SHA-256 of the host key blob (padded), as accepted by `hostKeySha256`. */
  readonly hostKeySha256: string;
  /** OpenSSH-format private key authorized for `user`. */
  readonly clientKeyPem: string;
  readonly user: string;
  /** The temp directory sessions get as $HOME. */
  readonly home: string;
  stop(): Promise<void>;
}

export async function startSshd(options: SshdOptions = {}): Promise<RunningSshd> {
  if (!existsSync(SSHD))
    throw new Error("openssh-server is not installed (apt-get install -y openssh-server)");
  // sshd running as root insists on its privilege-separation directory.
  if (process.getuid?.() === 0) mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), "tart-executor-sshd-"));
  const home = join(dir, "home");
  mkdirSync(home);
  // ssh2 writes about one ed25519 key in 250–400 that it cannot read back: keep ones that parse.
  const hostKey = generateParsableEd25519Key();
  const clientKey = generateParsableEd25519Key();
  writeFileSync(join(dir, "host_ed25519"), hostKey.private, { mode: 0o600 });
  const authorized = [
    clientKey.public,
    ...(options.authorizedKey === undefined ? [] : [options.authorizedKey]),
  ];
  writeFileSync(join(dir, "authorized_keys"), `${authorized.join("\n")}\n`, { mode: 0o600 });
  try {
    const { child, port } = await listenOnFreePort(dir, home);
    return {
      host: "127.0.0.1",
      port,
      hostKeySha256: createHash("sha256").update(publicKeyBlob(hostKey.public)).digest("base64"),
      clientKeyPem: clientKey.private,
      user: userInfo().username,
      home,
      stop: async () => {
        await stopProcess(child);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function publicKeyBlob(publicKeyLine: string): Buffer {
  return Buffer.from(publicKeyLine.split(" ")[1] ?? "", "base64");
}

function sshdConfig(dir: string, home: string, port: number): string {
  return [
    `Port ${port}`,
    "ListenAddress 127.0.0.1",
    `HostKey ${join(dir, "host_ed25519")}`,
    `PidFile ${join(dir, "sshd.pid")}`,
    `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
    "PermitRootLogin prohibit-password",
    "PubkeyAuthentication yes",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "UsePAM no",
    "StrictModes no",
    `SetEnv HOME=${home}`,
    "",
  ].join("\n");
}

// The port is free when we look but another process may take it before sshd binds; then retry.
async function listenOnFreePort(dir: string, home: string): Promise<{ child: ChildProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const configFile = join(dir, "sshd_config");
    writeFileSync(configFile, sshdConfig(dir, home, port));
    const child = spawn(SSHD, ["-D", "-e", "-f", configFile], { stdio: ["ignore", "ignore", "pipe"] });
    const outcome = await untilListening(child);
    if (outcome === "listening") return { child, port };
    if (!outcome.includes("Address already in use") || attempt >= 5) {
      throw new Error(`sshd did not start:\n${outcome}`);
    }
  }
}

/** A loopback port nothing listens on at the moment of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// sshd logs "Server listening on …" right after listen(); resolves with its log if it exits first.
function untilListening(child: ChildProcess): Promise<"listening" | string> {
  return new Promise((resolve) => {
    let log = "";
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (text: string) => {
      log += text;
      if (log.includes("Server listening on")) resolve("listening");
    });
    child.once("exit", (code, signal) => resolve(`${log}\n(sshd exited with ${code ?? signal})`));
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
