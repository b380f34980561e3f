/**
 * Powers the guest off, so `tart run` on the host returns. Needs passwordless sudo in the image.
 * shutdown(8) is named by its path, /sbin/shutdown: the guest agent's launchd PATH has no /sbin
 * (tart-guest-agent's plist), so a bare `shutdown` is not found through `tart exec`.
 */
export function shutdownCommand(): string {
  return "sudo -n /sbin/shutdown -h now";
}
