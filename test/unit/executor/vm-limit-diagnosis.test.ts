import { describe, expect, it } from "vitest";
import { diagnoseVmLimit, isVmLimitRefusal } from "../../../src/executor/vm-limit-diagnosis.js";
import type { TartVmInfo } from "../../../src/tart/tart-list.js";

const vm = (name: string, state: TartVmInfo["state"]): TartVmInfo => ({ name, source: "local", state });
const own = (name: string): boolean => name.startsWith("tart-executor-mini-1-");
const listing = (vms: TartVmInfo[]) => ({ listLocal: () => Promise.resolve(vms) });

describe("the VM limit diagnosis", () => {
  it("recognises tart's refusal", () => {
    expect(
      isVmLimitRefusal(
        "VM stopped before the runner came online: The number of VMs exceeds the system limit",
      ),
    ).toBe(true);
    expect(isVmLimitRefusal("tart ip exited 1: no IP address found")).toBe(false);
  });

  it("calls the limit leaked (tart #1217, reboot) when fewer than two other VMs run", async () => {
    const diagnosis = await diagnoseVmLimit("tart-executor-mini-1-aaaaaaaa", {
      tart: listing([vm("tart-executor-mini-1-aaaaaaaa", "running"), vm("old", "stopped")]),
      isOwnVm: own,
    });
    expect(diagnosis?.leaked).toBe(true);
    expect(diagnosis?.explanation).toMatch(
      /with 0 other VM\(s\) running now.*leaked \(tart issue #1217\).*rebooted/,
    );
  });

  it("names the VMs of someone else that hold the two slots", async () => {
    const diagnosis = await diagnoseVmLimit("tart-executor-mini-1-aaaaaaaa", {
      tart: listing([vm("someone-else-1", "running"), vm("tart-executor-mini-1-bbbbbbbb", "running")]),
      isOwnVm: own,
    });
    expect(diagnosis).toEqual({
      leaked: false,
      explanation: expect.stringMatching(/1 of them by VMs this executor did not start \(someone-else-1\)/),
    });
  });

  it("keeps tart's own words when the VMs cannot be listed", async () => {
    const diagnosis = await diagnoseVmLimit("x", {
      tart: { listLocal: () => Promise.reject(new Error("tart list exited 1")) },
      isOwnVm: own,
    });
    expect(diagnosis).toBeNull();
  });
});
