/**
 * `config.json`, tart's `VMConfig`: decoded with tart's defaults and re-encoded in tart's key order
 * (version, os, arch, [ecid, hardwareModel], cpuCountMin, cpuCount, memorySizeMin, memorySize,
 * macAddress, display, [displayRefit], diskFormat). Unknown keys are dropped on save, as in tart.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { TartFailure } from "../cli/errors.js";
import { swiftJson } from "../io/swift-json.js";
import type { JsonValue } from "../io/swift-json.js";
import { normalizeMac } from "./mac-address.js";

const displaySchema = z.object({
  width: z.number().int(),
  height: z.number().int(),
  unit: z.enum(["pt", "px"]).optional(),
});

const configSchema = z.object({
  version: z.number().int(),
  os: z.enum(["darwin", "linux"]).default("darwin"),
  arch: z.enum(["arm64", "amd64"]).default("arm64"),
  ecid: z.string().optional(),
  hardwareModel: z.string().optional(),
  cpuCountMin: z.number().int(),
  cpuCount: z.number().int(),
  memorySizeMin: z.number().int(),
  memorySize: z.number().int(),
  macAddress: z
    .string()
    .refine((mac) => normalizeMac(mac) !== undefined)
    .transform((mac) => normalizeMac(mac) ?? mac),
  display: displaySchema.default({ width: 1024, height: 768 }),
  displayRefit: z.boolean().optional(),
  diskFormat: z
    .string()
    .default("raw")
    .transform((f) => (f === "asif" ? "asif" : "raw")),
});

export type VmConfig = z.infer<typeof configSchema>;
export type VmDisplay = z.infer<typeof displaySchema>;

export function readVmConfig(file: string): VmConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new TartFailure(`The file “config.json” couldn’t be opened because there is no such file.`);
    }
    throw new TartFailure("The data couldn’t be read because it isn’t in the correct format.");
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new TartFailure("The data couldn’t be read because it is missing.");
  return parsed.data;
}

/** `VMConfig.save`: pretty-printed like Swift's JSONEncoder. */
export function writeVmConfig(file: string, config: VmConfig, pretty = true): void {
  writeFileSync(file, swiftJson(encodeVmConfig(config), pretty));
}

export function encodeVmConfig(config: VmConfig): JsonValue {
  const display: Record<string, JsonValue> = { width: config.display.width, height: config.display.height };
  if (config.display.unit !== undefined) display["unit"] = config.display.unit;
  const out: Record<string, JsonValue> = { version: config.version, os: config.os, arch: config.arch };
  if (config.os === "darwin") {
    out["ecid"] = config.ecid ?? "";
    out["hardwareModel"] = config.hardwareModel ?? "";
  }
  Object.assign(out, {
    cpuCountMin: config.cpuCountMin,
    cpuCount: config.cpuCount,
    memorySizeMin: config.memorySizeMin,
    memorySize: config.memorySize,
    macAddress: config.macAddress,
    display,
  });
  if (config.displayRefit !== undefined) out["displayRefit"] = config.displayRefit;
  out["diskFormat"] = config.diskFormat;
  return out;
}

/** `VMDisplayConfig.description`: `1024x768`, or `1024x768pt` with a unit. */
export function displayText(display: VmDisplay): string {
  return `${display.width}x${display.height}${display.unit ?? ""}`;
}
