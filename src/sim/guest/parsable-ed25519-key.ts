import ssh2 from "ssh2";

const { utils } = ssh2;

/**
 * An ed25519 key pair in OpenSSH form that ssh2 can read back. ssh2 (1.17) writes about one
 * ed25519 key in 250–400 in a form its own parser rejects ("Malformed OpenSSH private key"), so
 * keep only a key that parses. Bounded: such a run of bad luck is practically impossible.
 */
export function generateParsableEd25519Key(comment?: string): { private: string; public: string } {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const pair = utils.generateKeyPairSync("ed25519", comment === undefined ? {} : { comment });
    if (!(utils.parseKey(pair.private) instanceof Error)) return pair;
  }
  throw new Error("could not generate a usable ed25519 key");
}
