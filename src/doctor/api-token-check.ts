/** `api token`: whether /api/v1 is protected in proportion to who can reach it. */
import { bindsBeyondLoopback } from "../admin/admin-access.js";
import { pass, warn, type DoctorCheck } from "./doctor-check.js";

export function apiTokenCheck(token: string | undefined, bindHost: string): DoctorCheck {
  if (token !== undefined && token !== "") return pass("api token", "set; /api/v1 needs it (except health)");
  if (!bindsBeyondLoopback(bindHost))
    return pass(
      "api token",
      `not set; the API listens on ${bindHost} only, changes are accepted from this Mac`,
    );
  return warn(
    "api token",
    `not set while listening on ${bindHost}: other hosts can read /api/v1/status, and changes are only accepted from this Mac`,
    "set apiToken to a long random value (`openssl rand -hex 32`) to use the API from other hosts",
  );
}
