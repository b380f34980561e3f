/**
 * The guest's system commands that matter to the daemon, as POSIX sh scripts. They find the VM
 * through `TART_SIM_VM_DIR`, which every guest session carries, so the same files work in every
 * clone of a disk. Root is modelled by `USER=root`, which only the `sudo` stand-in sets: a
 * daemon that forgets `sudo` gets macOS's refusal, as it would on a real Mac.
 */

import { POWER_OFF_MARKER } from "./guest-paths.js";

/** Passwordless sudo, as CI images configure it: options are accepted and ignored. */
const SUDO = `#!/bin/sh
# Simulated sudo (tart-executor simulation): passwordless, options ignored.
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
if ! command -v "$1" >/dev/null 2>&1; then
  echo "sudo: $1: command not found" >&2
  exit 1
fi
SUDO_USER=\${USER:-}; SUDO_COMMAND="$*"; USER=root; LOGNAME=root
export SUDO_USER SUDO_COMMAND USER LOGNAME
exec "$@"
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

/** halt(8) and the Linux-style poweroff: power off at once. */
const HALT = `#!/bin/sh
# Simulated halt/poweroff (tart-executor simulation).
${POWER_OFF}
name=$(basename "$0")
require_root "$name"
power_off "$name (by \${SUDO_USER:-root})"
`;

export const GUEST_BIN_SCRIPTS: Readonly<Record<string, string>> = {
  sudo: SUDO,
  shutdown: SHUTDOWN,
  halt: HALT,
  poweroff: HALT,
};
