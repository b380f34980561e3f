/**
 * The guest's system commands that matter to the daemon, as POSIX sh scripts, keyed by their
 * macOS path (`/usr/bin/sudo`, `/sbin/shutdown`, `/sbin/halt`). They find the VM through
 * `TART_SIM_VM_DIR`, which every guest session carries, so the same files work in every clone of
 * a disk. Root is modelled by `USER=root`, which only the `sudo` stand-in sets: a daemon that
 * forgets `sudo` gets macOS's refusal, as it would on a real Mac. macOS has no `poweroff`.
 */

import { POWER_OFF_MARKER } from "./guest-paths.js";

/**
 * Resolves the command in "$1" as the guest would: a guest absolute path names a file on the
 * guest's disk (never one of the host's), anything else is looked up on PATH. Prints nothing and
 * fails when there is no such command.
 */
const GUEST_COMMAND = `guest_command() {
  case "$1" in
    /*)
      target="\${TART_SIM_ROOT:?not inside a simulated guest}$1"
      [ -x "$target" ] && [ ! -d "$target" ] && printf '%s\\n' "$target"
      ;;
    *) command -v "$1" ;;
  esac
}
`;

/** Passwordless sudo, as CI images configure it: options are accepted and ignored. */
const SUDO = `#!/bin/sh
# Simulated sudo (tart-executor simulation): passwordless, options ignored.
${GUEST_COMMAND}
while [ $# -gt 0 ]; do
  case "$1" in
    --) shift; break ;;
    -u|-g|-p|-C|-U|-D|-R|-T) shift 2 ;;
    -*) shift ;;
    *=*) export "$1"; shift ;;
    *) break ;;
  esac
done
if [ $# -eq 0 ]; then
  echo "usage: sudo [-nE] [-u user] command [arg ...]" >&2
  exit 1
fi
# Found on the caller's PATH: macOS's sudoers sets no secure_path [unverified].
if ! target=$(guest_command "$1"); then
  echo "sudo: $1: command not found" >&2
  exit 1
fi
SUDO_USER=\${USER:-}; SUDO_COMMAND="$*"; USER=root; LOGNAME=root
export SUDO_USER SUDO_COMMAND USER LOGNAME
case "$1" in
  /*) shift; exec "$target" "$@" ;;
  *) exec "$@" ;;
esac
`;

/** Present in the VM's directory while the nohupNoConsole fault holds for this boot. */
export const NOHUP_NO_CONSOLE_FLAG = ".sim-nohup-no-console";

/**
 * macOS nohup(1) (apple-oss-distributions shell_cmds, nohup/nohup.c): output to nohup.out only
 * when stdout is a terminal, stderr to stdout when stderr is one, SIGHUP ignored, then
 * _vprocmgr_detach_from_console(), whose failure ends it with "can't detach from console" (exit
 * 127) before the utility ever runs; then execvp (127 not found, 126 not executable).
 */
const NOHUP = `#!/bin/sh
# Simulated macOS nohup(1) (tart-executor simulation).
${GUEST_COMMAND}
[ "\${1-}" = "--" ] && shift
if [ $# -eq 0 ]; then
  echo "usage: nohup [--] utility [arguments]" >&2
  exit 127
fi
if [ -t 1 ]; then
  if { : >> nohup.out; } 2>/dev/null; then out=nohup.out
  elif { : >> "\${HOME:-/}/nohup.out"; } 2>/dev/null; then out="\${HOME:-/}/nohup.out"
  else echo "nohup: can't open a nohup.out file" >&2; exit 127
  fi
  echo "appending output to $out" >&2
  exec >> "$out"
fi
[ -t 2 ] && exec 2>&1
trap '' HUP
if [ -e "\${TART_SIM_VM_DIR:-/nonexistent}/${NOHUP_NO_CONSOLE_FLAG}" ]; then
  echo "nohup: can't detach from console: Inappropriate ioctl for device" >&2
  exit 127
fi
if ! target=$(guest_command "$1"); then
  echo "nohup: $1: No such file or directory" >&2
  exit 127
fi
case "$1" in
  /*) shift; exec "$target" "$@" ;;
  *) exec "$@" ;;
esac
`;

/** Writes the power-off marker atomically, then waits for the power to go, like a real halt. */
const POWER_OFF = `power_off() {
  marker="\${TART_SIM_VM_DIR:?not inside a simulated guest}/${POWER_OFF_MARKER}"
  # The first request wins: ln refuses to replace an existing marker, and is atomic.
  printf '%s\\n' "$1" > "$marker.$$" && ln "$marker.$$" "$marker" 2>/dev/null
  rm -f "$marker.$$"
  # The VM is going down; nothing after this point runs on a real Mac either.
  while :; do sleep 3600; done
}
require_root() {
  if [ "\${USER:-}" != root ]; then
    echo "$1: NOT super-user" >&2
    exit 1
  fi
}
`;

/** macOS shutdown(8); only an immediate halt is modelled (`-h now`). */
const SHUTDOWN = `#!/bin/sh
# Simulated macOS shutdown(8) (tart-executor simulation).
${POWER_OFF}
usage() {
  echo "usage: shutdown [-] [-h [-u] | -r | -s | -k] [-o [-n]] time [warning-message ...]" >&2
  exit 1
}
halt=""
while getopts "hrskuon" opt; do
  case "$opt" in
    h) halt=1 ;;
    u|o|n) ;;
    r|s|k) echo "shutdown: -$opt is not supported by the simulated guest (only -h now)" >&2; exit 1 ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
[ -n "$halt" ] || { echo "shutdown: single-user mode is not supported by the simulated guest (use -h)" >&2; exit 1; }
case "$1" in
  now|+0|0) ;;
  *) echo "shutdown: only an immediate shutdown (now) is supported by the simulated guest" >&2; exit 1 ;;
esac
require_root shutdown
echo "Shutdown NOW!"
echo "System shutdown time has arrived"
power_off "shutdown -h now (by \${SUDO_USER:-root})"
`;

/** halt(8): power off at once. */
const HALT = `#!/bin/sh
# Simulated halt(8) (tart-executor simulation).
${POWER_OFF}
name=$(basename "$0")
require_root "$name"
power_off "$name (by \${SUDO_USER:-root})"
`;

export const GUEST_BIN_SCRIPTS: Readonly<Record<string, string>> = {
  "/usr/bin/sudo": SUDO,
  "/usr/bin/nohup": NOHUP,
  "/sbin/shutdown": SHUTDOWN,
  "/sbin/halt": HALT,
};
