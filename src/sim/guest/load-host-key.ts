/**
 * The guest's SSH host key. Like a real Mac, a VM generates it on first boot and keeps it on its
 * disk; clones of a disk that has booted share it (which is how real tart clones behave).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import ssh2 from "ssh2";

const { utils } = ssh2;

export function loadHostKey(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const { private: key, public: publicKey } = generateParsableKey();
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, key, { mode: 0o600 });
  renameSync(tmp, file);
  writeFileSync(`${file}.pub`, `${publicKey}\n`, { mode: 0o644 });
  return key;
}

/**
 * ssh2 (1.17) writes about one ed25519 key in 400 in a form its own parser rejects ("Malformed
 * OpenSSH private key"), so keep only a key that parses. Bounded: such a run of bad luck is
 * practically impossible.
 */
function generateParsableKey(): { private: string; public: string } {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const pair = utils.generateKeyPairSync("ed25519", { comment: "root@sim-guest" });
    if (!(utils.parseKey(pair.private) instanceof Error)) return pair;
  }
  throw new Error("could not generate a usable ed25519 host key");
}
