/**
 * The guest's shell: `/bin/zsh` and the system files a macOS zsh reads, keyed by macOS path.
 *
 * `/bin/zsh` runs the host's zsh so that guest commands get zsh's real syntax and startup-file
 * rules, but it must read the *guest's* files, not the host's. zsh's global files are compiled in
 * (Debian: `/etc/zsh/*`), so the wrapper starts zsh with `-d` (NO_GLOBAL_RCS: the host's zprofile,
 * zshrc, zlogin and zlogout are skipped) and a private ZDOTDIR whose `.zshenv` reads, in macOS's
 * order, the guest's `/etc/zshenv`, then `~/.zshenv`, then, for a login shell only, the guest's
 * `/etc/zprofile`; it then unsets ZDOTDIR, so zsh itself goes on with `~/.zprofile` (login),
 * `~/.zshrc` (interactive) and `~/.zlogin` (login). So `zsh -c` reads no profile at all and
 * `zsh -l -c` reads `/etc/zprofile` then `~/.zprofile`, exactly as on macOS. The host's
 * `/etc/zsh/zshenv` is still read first (zsh always reads it); Debian's only touches an empty PATH.
 *
 * `/etc/zprofile` and `/etc/paths` are macOS's (path_helper builds PATH from `/etc/paths` and
 * `/etc/paths.d/*`, then appends what PATH already had). Guest absolute paths in these files are
 * written as `$TART_SIM_ROOT/…` (the guest's `/` on the host, in every guest process's environment).
 */

/** The private ZDOTDIR of the zsh wrapper (inside the guest's disk, outside the user's view). */
export const ZSH_BOOT_DIR = "/private/var/tart-sim/zdotdir";

/** `/bin/zsh`: the host's zsh with the guest's startup files. `hostZsh` is its absolute path, if any. */
export function zshWrapper(hostZsh: string | undefined): string {
  const run =
    hostZsh === undefined
      ? 'echo "zsh: the simulated macOS guest needs zsh on the host (e.g. apt-get install zsh)" >&2\nexit 127'
      : `exec ${hostZsh} -d "$@"`;
  return `#!/bin/sh
# /bin/zsh of the simulated macOS guest (tart-executor simulation, src/sim/guest/guest-shell-files.ts):
# the host's zsh, reading the guest's startup files in macOS's order instead of the host's.
root=$(cd "$(dirname "$0")/.." && pwd) || exit 127
ZDOTDIR=$root${ZSH_BOOT_DIR}
export ZDOTDIR
${run}
`;
}

/** The wrapper's `.zshenv`: the guest's global files in zsh's order, then hands over to the user's. */
const ZSH_BOOT_ZSHENV = `# Startup of the simulated macOS zsh (tart-executor simulation): see /bin/zsh.
_tart_sim_root=\${ZDOTDIR:h:h:h:h}
unset ZDOTDIR
[[ -r $_tart_sim_root/etc/zshenv ]] && source $_tart_sim_root/etc/zshenv
[[ -r $HOME/.zshenv ]] && source $HOME/.zshenv
if [[ -o login && -r $_tart_sim_root/etc/zprofile ]]; then
  source $_tart_sim_root/etc/zprofile
fi
unset _tart_sim_root
`;

/** macOS's /etc/zprofile (only the guest's `/` differs). */
const ETC_ZPROFILE = `# System-wide profile for interactive zsh(1) login shells.

# Setup user specific overrides for this in ~/.zprofile. See zshbuiltins(1)
# and zshoptions(1) for more details.

if [ -x $TART_SIM_ROOT/usr/libexec/path_helper ]; then
	eval \`$TART_SIM_ROOT/usr/libexec/path_helper -s\`
fi
`;

/** macOS's /etc/paths (macOS 13 and later). */
const ETC_PATHS = `/usr/local/bin
/System/Cryptexes/App/usr/bin
/usr/bin
/bin
/usr/sbin
/sbin
`;

/** path_helper(8): `/etc/paths` and `/etc/paths.d/*` first, then what PATH already had, no duplicates. */
const PATH_HELPER = `#!/bin/sh
# Simulated path_helper(8) (tart-executor simulation): entries are guest paths, mapped to the guest's disk.
root=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
new=""
add() {
  case ":$new:" in
    *":$1:"*) ;;
    *) new="\${new:+$new:}$1" ;;
  esac
}
for file in "$root/etc/paths" "$root"/etc/paths.d/*; do
  [ -f "$file" ] || continue
  while IFS= read -r line || [ -n "$line" ]; do
    [ -n "$line" ] && add "$root$line"
  done < "$file"
done
old_ifs=$IFS
IFS=:
for entry in \${PATH-}; do
  [ -n "$entry" ] && add "$entry"
done
IFS=$old_ifs
case "\${1-}" in
  -c) printf 'setenv PATH "%s";\\n' "$new" ;;
  -s|"") printf 'PATH="%s"; export PATH;\\n' "$new" ;;
  *) echo "usage: path_helper [-c | -s]" >&2; exit 1 ;;
esac
`;

/** Executable system files (mode 0755), by guest path; the wrapper itself comes from zshWrapper(). */
export const GUEST_SHELL_EXECUTABLES: Readonly<Record<string, string>> = {
  "/usr/libexec/path_helper": PATH_HELPER,
};

/** Plain system files (mode 0644), by guest path. */
export const GUEST_SHELL_FILES: Readonly<Record<string, string>> = {
  "/etc/zprofile": ETC_ZPROFILE,
  "/etc/paths": ETC_PATHS,
  [`${ZSH_BOOT_DIR}/.zshenv`]: ZSH_BOOT_ZSHENV,
};
