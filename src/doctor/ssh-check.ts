/** `ssh`: the executor has some way to log into its VMs: a readable key file, or a password. */
import type { TartSshConfig } from "../config/executor-config.js";
import { fail, pass, warn, type DoctorCheck } from "./doctor-check.js";
import type { DoctorFs } from "./doctor-deps.js";

const KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

export async function sshCheck(ssh: TartSshConfig, fs: DoctorFs): Promise<DoctorCheck> {
  const login = `${ssh.username}@<vm>:${ssh.port}`;
  const hint = "set tart.ssh.password, or tart.ssh.privateKey to a key the image's user accepts";
  if (ssh.privateKeyPath === undefined)
    return ssh.password === undefined
      ? fail("ssh", "no SSH credentials: neither tart.ssh.password nor tart.ssh.privateKey is set", hint)
      : pass("ssh", `password login as ${login}`);
  let problem: string;
  try {
    const text = await fs.readFile(ssh.privateKeyPath);
    if (KEY.test(text)) {
      const mode = (await fs.stat(ssh.privateKeyPath)).mode;
      if ((mode & 0o077) === 0) return pass("ssh", `key ${ssh.privateKeyPath} for ${login}`);
      return warn(
        "ssh",
        `key ${ssh.privateKeyPath} can be read by other users (mode 0${(mode & 0o777).toString(8)})`,
        `chmod 600 ${ssh.privateKeyPath}`,
      );
    }
    problem = "is not a private key file";
  } catch (error) {
    problem = `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  return ssh.password === undefined
    ? fail("ssh", `no SSH credentials: key ${ssh.privateKeyPath} ${problem} and no password is set`, hint)
    : warn(
        "ssh",
        `key ${ssh.privateKeyPath} ${problem}; only the password will work`,
        "fix the key path or remove tart.ssh.privateKey",
      );
}
