/**
 * Registry credentials, looked up per host in tart's order: the TART_REGISTRY_* variables (scoped
 * by TART_REGISTRY_HOSTNAME when set), `~/.docker/config.json` `auths`, then the store that
 * `tart login` writes. The sim has no Keychain: that store is `<simDir>/credentials.json`.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { withLock } from "../../faults.js";

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

type Store = Record<string, Credentials>;

export function lookupCredentials(
  env: NodeJS.ProcessEnv,
  simDir: string,
  host: string,
): Credentials | undefined {
  return fromEnvironment(env, host) ?? fromDockerConfig(env, host) ?? readStore(simDir)[host];
}

function fromEnvironment(env: NodeJS.ProcessEnv, host: string): Credentials | undefined {
  const scope = env["TART_REGISTRY_HOSTNAME"];
  if (scope !== undefined && scope !== host) return undefined;
  const username = env["TART_REGISTRY_USERNAME"];
  const password = env["TART_REGISTRY_PASSWORD"];
  return username !== undefined && password !== undefined ? { username, password } : undefined;
}

function fromDockerConfig(env: NodeJS.ProcessEnv, host: string): Credentials | undefined {
  const home = env["HOME"] ?? os.homedir();
  try {
    const config = JSON.parse(readFileSync(path.join(home, ".docker", "config.json"), "utf8")) as {
      auths?: Record<string, { auth?: string }>;
    };
    const encoded = config.auths?.[host]?.auth;
    if (encoded === undefined) return undefined;
    const decoded = Buffer.from(encoded, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  } catch {
    return undefined;
  }
}

export function storeCredentials(simDir: string, host: string, credentials: Credentials): void {
  updateStore(simDir, (store) => {
    store[host] = credentials;
  });
}

export function removeCredentials(simDir: string, host: string): void {
  updateStore(simDir, (store) => {
    delete store[host];
  });
}

function updateStore(simDir: string, change: (store: Store) => void): void {
  withLock(simDir, () => {
    const store = readStore(simDir);
    change(store);
    const file = storeFile(simDir);
    writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(store, null, 2));
    renameSync(`${file}.${process.pid}.tmp`, file);
  });
}

function readStore(simDir: string): Store {
  try {
    return JSON.parse(readFileSync(storeFile(simDir), "utf8")) as Store;
  } catch {
    return {};
  }
}

function storeFile(simDir: string): string {
  return path.join(simDir, "credentials.json");
}
