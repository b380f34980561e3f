/** `private key`: the GitHub App key can be read, is a PEM key, and only its owner can read it. */
import { fail, pass, type DoctorCheck } from "./doctor-check.js";
import type { DoctorFs } from "./doctor-deps.js";

const PEM = /-----BEGIN (RSA )?PRIVATE KEY-----/;

export async function privateKeyCheck(
  keyPath: string,
  fs: DoctorFs,
): Promise<{ check: DoctorCheck; pem: string | null }> {
  const download =
    "generate a key on the App's settings page (Private keys) and point github.privateKey at the .pem file";
  let pem: string;
  let mode: number;
  try {
    mode = (await fs.stat(keyPath)).mode;
    pem = await fs.readFile(keyPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return { check: fail("private key", `cannot read ${keyPath} (${code})`, download), pem: null };
  }
  if (!PEM.test(pem))
    return { check: fail("private key", `${keyPath} is not a PEM private key`, download), pem: null };
  const octal = `0${(mode & 0o777).toString(8)}`;
  // The key lets anyone act as the App on the whole organisation: other accounts must not read it.
  if ((mode & 0o077) !== 0)
    return {
      check: fail(
        "private key",
        `${keyPath} can be read by other users (mode ${octal})`,
        `chmod 600 ${keyPath}`,
      ),
      pem,
    };
  return { check: pass("private key", `${keyPath} is readable by its owner only (mode ${octal})`), pem };
}
