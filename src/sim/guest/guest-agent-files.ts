/**
 * The Tart Guest Agent as cirruslabs' images install it (macos-image-templates
 * `data/tart-guest-agent.plist`): a launchd global agent, `/opt/homebrew/bin/tart-guest-agent
 * --run-agent`, with its own PATH and TERM, working directory `/Users/admin`. An image "has the
 * agent" when the plist is on its disk; the simulated VM then answers `tart exec`.
 *
 * The agent runs a command with Go's exec.Command (tart-guest-agent `internal/rpc/exec.go`): no
 * shell, argv as given, found on the agent's PATH, environment inherited from the agent. That
 * environment is launchd's, not a login shell's: the plist's PATH and TERM, plus what launchd gives
 * a per-user agent (HOME, USER, LOGNAME, SHELL, TMPDIR) [unverified: the exact launchd set]; no LANG.
 */
import { existsSync } from "node:fs";
import { hostPath } from "./guest-paths.js";

export const AGENT_LABEL = "org.cirruslabs.tart-guest-agent";
export const AGENT_PLIST = `/Library/LaunchAgents/${AGENT_LABEL}.plist`;
export const AGENT_BINARY = "/opt/homebrew/bin/tart-guest-agent";
/** The plist's EnvironmentVariables. */
export const AGENT_PATH = "/bin:/usr/bin:/usr/sbin:/usr/local/bin:/opt/homebrew/bin";
export const AGENT_TERM = "xterm-256color";

export function agentPlist(username: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key><string>${AGENT_LABEL}</string>
  <key>ProgramArguments</key><array><string>${AGENT_BINARY}</string><string>--run-agent</string></array>
  <key>EnvironmentVariables</key>
  <dict>
    <key>PATH</key><string>${AGENT_PATH}</string>
    <key>TERM</key><string>${AGENT_TERM}</string>
  </dict>
  <key>WorkingDirectory</key><string>/Users/${username}</string>
  <key>RunAtLoad</key><true/>
  <key>KeepAlive</key><true/>
</dict>
</plist>
`;
}

/** Whether the guest disk has the agent installed. */
export function hasGuestAgent(guestRoot: string): boolean {
  return existsSync(hostPath(guestRoot, AGENT_PLIST));
}
