/** Powers the guest off, so `tart run` on the host returns. Needs passwordless sudo in the image. */
export function shutdownCommand(): string {
  return "sudo -n shutdown -h now";
}
