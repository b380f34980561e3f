import { GuestError } from "./guest-error.js";
import { shellQuote } from "./shell-quote.js";

/**
 * Renders a path inside the guest as one shell word. A path is absolute (`/Users/admin/x`) or
 * relative to the login user's home, written `~/x` or just `x`; both render as `"$HOME"/'x'`,
 * because a quoted `~` is never expanded and a bare relative path would depend on the current
 * directory (the runner's supervisor changes it). `~user/…` is refused.
 */
export function quoteGuestPath(path: string): string {
  if (path === "" || (path.startsWith("~") && path !== "~" && !path.startsWith("~/"))) {
    throw new GuestError("GUEST_VALUE_INVALID", `not a usable guest path: ${JSON.stringify(path)}`);
  }
  if (path.startsWith("/")) return shellQuote(path);
  const relative = path.replace(/^~\/?/, "");
  return relative === "" ? `"$HOME"` : `"$HOME"/${shellQuote(relative)}`;
}

/** Appends a file name to a guest directory path (`~/runner` + `run.sh` → `~/runner/run.sh`). */
export function joinGuestPath(directory: string, name: string): string {
  return `${directory.replace(/\/+$/, "")}/${name}`;
}

/** The directory containing a guest path (`~/a/b.log` → `~/a`, `b.log` → `~`). */
export function guestPathParent(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const slash = trimmed.lastIndexOf("/");
  if (slash < 0) return "~";
  return slash === 0 ? "/" : trimmed.slice(0, slash);
}
