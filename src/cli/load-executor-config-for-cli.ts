/** Finds, reads and validates tart-executor.yaml for the CLI, and reads the App's private key. */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import {
  ConfigError,
  loadExecutorConfig,
  resolveExecutorConfigPath,
  type ExecutorConfig,
} from "../config/index.js";

export function loadExecutorConfigForCli(flag: string | undefined): { config: ExecutorConfig; path: string } {
  const deps = { env: process.env, homedir: homedir() };
  const resolved = resolveExecutorConfigPath({
    ...deps,
    exists: existsSync,
    ...(flag === undefined ? {} : { flag }),
  });
  const config = loadExecutorConfig(resolved.path, {
    ...deps,
    readFile: (file) => readFileSync(file, "utf8"),
  });
  return { config, path: resolved.path };
}

/** The App's private key (PEM). An unreadable or malformed file is a configuration error. */
export function readPrivateKey(configPath: string, keyPath: string): string {
  let pem: string;
  try {
    pem = readFileSync(keyPath, "utf8");
  } catch (error) {
    throw new ConfigError([
      {
        file: configPath,
        path: "github.privateKey",
        message: `cannot read the GitHub App private key ${keyPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        hint: "download the key from the App's settings page and point github.privateKey at it",
      },
    ]);
  }
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(pem))
    throw new ConfigError([
      {
        file: configPath,
        path: "github.privateKey",
        message: `${keyPath} is not a PEM private key`,
        hint: "use the .pem file GitHub generated for the App",
      },
    ]);
  return pem;
}
