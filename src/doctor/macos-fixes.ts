/**
 * The macOS traps of running Tart VMs from a daemon (tart-cli.md §5), as the fixes `doctor` prints
 * and docs/operations.md repeats. Kept in one place so both say the same thing.
 */
export const LOCAL_NETWORK_FIX =
  "macOS 15+ asks once whether the daemon's process may reach the local network (its VMs and your LAN); " +
  "under brew services nobody sees that prompt and connections to VMs fail. With a user logged in at the " +
  "Mac's screen (or Screen Sharing), set webhook.localUrl to an address on your LAN so the daemon connects at " +
  "start, run `brew services restart tart-executor`, click Allow for node, and check System Settings → " +
  "Privacy & Security → Local Network. The grant belongs to the node binary, so check again after " +
  "`brew upgrade node`. Headless alternative (Cirrus Labs' Orchard README), then reboot: " +
  "`sudo defaults write com.apple.network.local-network AllowedEthernetLocalNetworkAddresses -array " +
  '"10.0.0.0/8" "172.16.0.0/12" "192.168.0.0/16"` and the same for AllowedWiFiLocalNetworkAddresses';

export const KEYCHAIN_FIX =
  "on macOS 15+ a VM only starts while the user's login keychain is unlocked (tart fails with " +
  '"SecKeyCreateRandomKey_ios failed" or "Failed to generate keypair"). Start the service as that user\'s ' +
  "LaunchAgent (`brew services start`, without sudo), turn on automatic login for that user on headless Macs, " +
  "or unlock it in that session: `security unlock-keychain ~/Library/Keychains/login.keychain-db`";

export const DHCP_LEASE_FIX =
  "macOS hands VMs 86400-second DHCP leases from one /24, so after about 253 VMs in a day new VMs get no IP. " +
  "Shorten the lease: `sudo defaults write /Library/Preferences/SystemConfiguration/com.apple.InternetSharing.default.plist " +
  "bootpd -dict DHCPLeaseTimeSecs -int 600` (or delete /var/db/dhcpd_leases while no VM runs)";

export const VM_LIMIT_FIX =
  'Apple allows 2 macOS VMs per Mac. If tart reports "The number of VMs exceeds the system limit" while fewer ' +
  "than 2 VMs run, the limit has leaked (tart issue #1217) and only a reboot of the Mac clears it";

export const LICENCE_NOTE =
  "Tart is Fair Source: free up to 100 host CPU cores per organisation, counting every core of every Mac " +
  "that runs it; above that a paid Tart licence is needed (see Tart's licensing page)";

/** The WARN a check gives where it cannot look: not on a Mac (tests, CI, a Linux box). */
export function notOnMacos(platform: NodeJS.Platform): string {
  return `cannot be checked here (this is ${platform}, not macOS)`;
}
