import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import ssh2 from "ssh2";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadHostKey } from "../../../src/sim/guest/load-host-key.js";
import { makeTempDir } from "./helpers/temp-dir.js";

const { utils } = ssh2;

describe("loadHostKey", () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => temp.remove());

  it("generates a key once and then keeps it", () => {
    const file = path.join(temp.dir, "etc", "ssh_host_ed25519_key");
    const key = loadHostKey(file);
    expect(loadHostKey(file)).toBe(key);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(`${file}.pub`, "utf8")).toMatch(/^ssh-ed25519 \S+ root@sim-guest\n$/);
  });

  // ssh2 writes about 1 key in 400 that it cannot read back; 400 keys meet one most of the time.
  it("only ever hands out keys ssh2 can parse", () => {
    for (let i = 0; i < 400; i += 1) {
      const key = loadHostKey(path.join(temp.dir, `key-${i}`));
      expect(utils.parseKey(key)).not.toBeInstanceOf(Error);
    }
  });
});
