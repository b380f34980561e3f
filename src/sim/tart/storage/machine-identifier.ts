/** The macOS platform identity stored in config.json (`ecid`, `hardwareModel`), as base64 data. */
import { randomBytes } from "node:crypto";

/** A macOS 15 `VZMacHardwareModel` data representation (base64 binary plist), as images carry. */
export const HARDWARE_MODEL =
  "YnBsaXN0MDDTAQIDBAUGXxAZRGF0YVJlcHJlc2VudGF0aW9uVmVyc2lvbl8QD1BsYXRmb3JtVmVyc2lvbl8QEk1pbmltdW1TdXBwb3J0ZWRPUxQAAAAAAAAAAAAAAAAAAAABEAKjBwgIEA0QAAgPKz1SY2VnaQAAAAAAAAEBAAAAAAAAAAkAAAAAAAAAAAAAAAAAAABr";

/** A fresh `VZMacMachineIdentifier` (a binary plist holding a random ECID). */
export function randomEcid(): string {
  const header = Buffer.from("YnBsaXN0MDDRAQJURUNJRBM", "base64");
  return Buffer.concat([header, randomBytes(8), Buffer.alloc(13)]).toString("base64");
}
