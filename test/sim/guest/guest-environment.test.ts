/**
 * The guest's environment is macOS's, not ours: an SSH `exec` gets sshd's bare environment
 * (zsh -c, no profile, PATH=/usr/bin:/bin:/usr/sbin:/sbin, no LANG), while a `shell` request or a
 * `zsh -l` reads /etc/zprofile (path_helper) and the templates' ~/.zprofile (Homebrew, LANG).
 */
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { TestGuest } from "./helpers/boot-test-guest.js";
import { bootTestGuest, PASSWORD, USERNAME } from "./helpers/boot-test-guest.js";
import type { SshClient } from "./helpers/ssh-session.js";
import { collect, connectSsh, exec, startExec } from "./helpers/ssh-session.js";

describe("the guest's shell environment", () => {
  let guest: TestGuest | undefined;
  let client: SshClient | undefined;
  afterEach(async () => {
    client?.end();
    client = undefined;
    await guest?.dispose();
    guest = undefined;
  });

  async function login(
    image: Record<string, unknown> = {},
  ): Promise<{ guest: TestGuest; client: SshClient }> {
    guest = await bootTestGuest({ image });
    client = await connectSsh(guest.ip, guest.port, USERNAME, PASSWORD);
    return { guest, client };
  }

  function mapped(g: TestGuest, list: string): string {
    return list
      .split(":")
      .map((entry) => path.join(g.vmDir, "guest", entry))
      .join(":");
  }

  async function shell(c: SshClient, script: string): Promise<Awaited<ReturnType<typeof collect>>> {
    const stream = await new Promise<Parameters<typeof collect>[0]>((resolve, reject) =>
      c.shell(false, (error, s) => (error ? reject(error) : resolve(s))),
    );
    return collect(stream, script);
  }

  it("exec runs `zsh -c` with sshd's PATH, no LANG and no Homebrew", async () => {
    const { guest: g, client: c } = await login();
    const result = await exec(
      c,
      'echo "$PATH"; echo "${LANG-unset}|${LC_ALL-unset}"; echo "$ZSH_NAME|$MAIL"; [[ -o login ]] && echo login || echo no-login; command -v brew node pod || echo none',
    );
    expect(result.stdout.split("\n")).toEqual([
      mapped(g, "/usr/bin:/bin:/usr/sbin:/sbin"),
      "unset|unset",
      "zsh|/var/mail/admin",
      "no-login",
      "none",
      "",
    ]);
  });

  it("a job-like command under exec fails as on a Mac: brew is not found (127)", async () => {
    const { client: c } = await login();
    const result = await exec(c, "brew --version");
    expect(result.code).toBe(127);
    expect(result.stderr).toBe("zsh:1: command not found: brew\n");
  });

  it("LANG reaches an exec only when the client sends it (AcceptEnv LANG LC_*)", async () => {
    const { client: c } = await login();
    const channel = await startExec(c, 'echo "$LANG"', { env: { LANG: "en_US.UTF-8" } });
    expect((await collect(channel)).stdout).toBe("en_US.UTF-8\n");
  });

  it("a shell request runs a login zsh: /etc/zprofile's path_helper, then ~/.zprofile's Homebrew and LANG", async () => {
    const { guest: g, client: c } = await login();
    const result = await shell(
      c,
      'echo "$PATH"; echo "$LANG"; [[ -o login ]] && echo login; command -v brew node pod; brew --version; node -e "console.log(42)"\n',
    );
    const brewBin = path.join(g.vmDir, "guest/opt/homebrew/bin");
    expect(result.stdout.split("\n")).toEqual([
      `${brewBin}:${mapped(g, "/opt/homebrew/sbin:/usr/local/bin:/System/Cryptexes/App/usr/bin:/usr/bin:/bin:/usr/sbin:/sbin")}`,
      "en_US.UTF-8",
      "login",
      `${brewBin}/brew`,
      `${brewBin}/node`,
      `${brewBin}/pod`,
      "Homebrew 4.6.17",
      "42",
      "",
    ]);
    expect(result.code).toBe(0);
  });

  it("`zsh -l -c` reads the profiles and `zsh -c` does not", async () => {
    const { client: c } = await login();
    const login_ = await exec(c, "zsh -l -c 'echo $LANG; command -v brew >/dev/null && echo has-brew'");
    expect(login_.stdout).toBe("en_US.UTF-8\nhas-brew\n");
    const plain = await exec(c, "zsh -c 'echo ${LANG-unset}; command -v brew || echo no-brew'");
    expect(plain.stdout).toBe("unset\nno-brew\n");
  });

  it("CocoaPods refuses a non-UTF-8 locale and works under the login profile", async () => {
    const { client: c } = await login();
    const bare = await exec(c, "$TART_SIM_ROOT/opt/homebrew/bin/pod install");
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain("WARNING: CocoaPods requires your terminal to be using UTF-8 encoding.");
    expect(bare.stderr).toContain("Unicode Normalization not appropriate for ASCII-8BIT");
    const login_ = await exec(c, "zsh -l -c 'pod install'");
    expect(login_).toMatchObject({ code: 0, stderr: "" });
    expect(login_.stdout).toContain("Pod installation complete!");
  });

  it("an image without Homebrew has neither brew nor a ~/.zprofile", async () => {
    const { client: c } = await login({ hasHomebrew: false });
    const result = await shell(c, 'echo "${LANG-unset}"; command -v brew node || echo none\n');
    expect(result.stdout).toBe("unset\nnone\n");
  });
});
