/**
 * Homebrew as cirruslabs' images have it (macos-image-templates `templates/base.pkr.hcl`):
 * installed in `/opt/homebrew`, and put on PATH only by the user's `~/.zprofile`, which also sets
 * `LANG=en_US.UTF-8`. So `brew`, `node` and `pod` exist only in `/opt/homebrew/bin`, and only a
 * login shell (or something that reads `~/.zprofile`) finds them and gets a UTF-8 locale.
 *
 * `brew` is a stand-in for `--version`, `--prefix` and `shellenv`; `node` is the host's node;
 * `pod` is a stand-in for CocoaPods that, like the real one, needs a UTF-8 locale (Ruby takes its
 * default external encoding from LC_ALL, else LC_CTYPE, else LANG; under a non-UTF-8 one CocoaPods
 * warns and `pod install` dies with Encoding::CompatibilityError).
 */

export const HOMEBREW_VERSION = "4.6.17";
export const COCOAPODS_VERSION = "1.16.2";

/** `brew shellenv` prints paths under its own prefix, which is the mapped `/opt/homebrew`. */
const BREW = `#!/bin/sh
# Simulated Homebrew (tart-executor simulation): --version, --prefix, shellenv.
prefix=$(cd "$(dirname "$0")/.." && pwd) || exit 1
case "\${1-}" in
  shellenv)
    printf 'export HOMEBREW_PREFIX="%s";\\n' "$prefix"
    printf 'export HOMEBREW_CELLAR="%s/Cellar";\\n' "$prefix"
    printf 'export HOMEBREW_REPOSITORY="%s";\\n' "$prefix"
    printf 'export PATH="%s/bin:%s/sbin\${PATH+:$PATH}";\\n' "$prefix" "$prefix"
    printf '[ -z "\${MANPATH-}" ] || export MANPATH=":\${MANPATH#:}";\\n'
    printf 'export INFOPATH="%s/share/info:\${INFOPATH:-}";\\n' "$prefix"
    ;;
  --version) echo "Homebrew ${HOMEBREW_VERSION}" ;;
  --prefix) echo "$prefix" ;;
  "") echo "Example usage:" >&2; echo "  brew install FORMULA..." >&2; exit 1 ;;
  *) echo "Error: Unknown command: $1" >&2; exit 1 ;;
esac
`;

const POD = `#!/bin/sh
# Simulated CocoaPods (tart-executor simulation): --version and install, with the real locale check.
locale=\${LC_ALL:-\${LC_CTYPE:-\${LANG:-}}}
case "$locale" in
  *[Uu][Tt][Ff]-8*|*[Uu][Tt][Ff]8*) utf8=1 ;;
  *) utf8="" ;;
esac
if [ -z "$utf8" ]; then
  cat >&2 <<'WARNING'
    WARNING: CocoaPods requires your terminal to be using UTF-8 encoding.
    Consider adding the following to ~/.profile:

    export LANG=en_US.UTF-8

WARNING
fi
case "\${1-}" in
  --version) echo "${COCOAPODS_VERSION}" ;;
  install)
    if [ -z "$utf8" ]; then
      echo "Encoding::CompatibilityError - Unicode Normalization not appropriate for ASCII-8BIT" >&2
      exit 1
    fi
    echo "Analyzing dependencies"
    echo "Pod installation complete! There are 0 dependencies from the Podfile and 0 total pods installed."
    ;;
  *) echo "[!] Unknown command: \\\`\${1-}\\\`" >&2; exit 1 ;;
esac
`;

/** The executables under `/opt/homebrew/bin`, by guest path. */
export const HOMEBREW_EXECUTABLES: Readonly<Record<string, string>> = {
  "/opt/homebrew/bin/brew": BREW,
  "/opt/homebrew/bin/pod": POD,
};

/** Where the host's node appears in the guest. */
export const HOMEBREW_NODE = "/opt/homebrew/bin/node";

/** `~/.zprofile` as the templates write it (the brew path is the mapped `/opt/homebrew`). */
export const USER_ZPROFILE = `export LANG=en_US.UTF-8
eval "$($TART_SIM_ROOT/opt/homebrew/bin/brew shellenv)"
export HOMEBREW_NO_AUTO_UPDATE=1
export HOMEBREW_NO_INSTALL_CLEANUP=1
`;
