import { z } from "zod";
import { rule } from "./rule.js";
import { describeValue } from "./describe-value.js";

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol, hostname } = new URL(value);
  return (protocol === "http:" || protocol === "https:") && hostname !== "";
}

/** An http(s) URL, normalized without a trailing slash so callers can append `/runner` or `/app`. */
export function httpUrl() {
  return z
    .string()
    .superRefine(
      rule(
        isHttpUrl,
        (v: string) => `must be an http:// or https:// URL, got ${describeValue(v)}`,
        "write the full URL including the scheme, e.g. http://10.0.4.2:3250",
      ),
    )
    .transform((v) => v.replace(/\/+$/, ""));
}
