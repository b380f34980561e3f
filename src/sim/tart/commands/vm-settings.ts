/** VMConfig setters with tart's minimum-resource rules (`LessThanMinimalResourcesError`). */
import { TartFailure } from "../cli/errors.js";
import type { VmConfig, VmDisplay } from "../storage/vm-config.js";

/** Virtualization.framework's `minimumAllowedCPUCount` and `minimumAllowedMemorySize`. */
const VZ_MIN_CPUS = 1;
const VZ_MIN_MEMORY = 128 * 1024 * 1024;

export function withCpu(config: VmConfig, cpuCount: number): VmConfig {
  if (config.os === "darwin" && cpuCount < config.cpuCountMin)
    throw tooFew(`${config.cpuCountMin} CPU cores`, cpuCount);
  if (cpuCount < VZ_MIN_CPUS) throw tooFew(`${VZ_MIN_CPUS} CPU cores`, cpuCount);
  return { ...config, cpuCount };
}

export function withMemory(config: VmConfig, memorySize: number): VmConfig {
  if (config.os === "darwin" && memorySize < config.memorySizeMin) {
    throw tooFew(`${config.memorySizeMin} bytes of memory`, memorySize);
  }
  if (memorySize < VZ_MIN_MEMORY) throw tooFew(`${VZ_MIN_MEMORY} bytes of memory`, memorySize);
  return { ...config, memorySize };
}

function tooFew(minimum: string, requested: number): TartFailure {
  return new TartFailure(
    `LessThanMinimalResourcesError: VM should have ${minimum} at minimum (requested ${requested})`,
  );
}

/** `VMDisplayConfig(argument:)`: `WxH[pt|px]`; unparsable parts are 0 and leave the old value. */
export function parseDisplay(text: string, current: VmDisplay): VmDisplay {
  let body = text;
  let unit: VmDisplay["unit"];
  if (body.endsWith("px")) [body, unit] = [body.slice(0, -2), "px"];
  else if (body.endsWith("pt")) [body, unit] = [body.slice(0, -2), "pt"];
  const [w, h] = body.split("x").map((p) => (/^[+-]?\d+$/.test(p) ? Number(p) : 0));
  const width = (w ?? 0) > 0 ? (w ?? 0) : current.width;
  const height = (h ?? 0) > 0 ? (h ?? 0) : current.height;
  return unit === undefined ? { width, height } : { width, height, unit };
}
