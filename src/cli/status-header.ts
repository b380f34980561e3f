/** The first line of `status`: who, which version, whether it takes work, for how long it has run. */
import { formatAge, secondsSince } from "./status-age.js";
import type { Paint, Tone } from "./status-style.js";

export interface RenderOptions {
  readonly color: boolean;
  readonly nowMs: number;
}

export function statusHeader(
  service: string,
  status: { readonly hostname: string; readonly version: string; readonly startedAt: string },
  [state, tone]: [string, Tone],
  options: RenderOptions,
  paint: Paint,
): string {
  const up = secondsSince(status.startedAt, options.nowMs);
  const uptime = up === null ? "" : `  up ${formatAge(up)}`;
  return `${paint(`${service} ${status.hostname}`, "bold")}  v${status.version}  ${paint(state, tone)}${uptime}`;
}
