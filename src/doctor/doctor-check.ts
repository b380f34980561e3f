/** One line of `doctor`: what was checked, how it went, and what to do about it. */
export type DoctorStatus = "PASS" | "WARN" | "FAIL";

export interface DoctorCheck {
  readonly name: string;
  readonly status: DoctorStatus;
  /** What was found, in one sentence. */
  readonly detail: string;
  /** The fix, when there is something to do. */
  readonly hint?: string;
}

export const pass = (name: string, detail: string, hint?: string): DoctorCheck =>
  check(name, "PASS", detail, hint);
export const warn = (name: string, detail: string, hint?: string): DoctorCheck =>
  check(name, "WARN", detail, hint);
export const fail = (name: string, detail: string, hint?: string): DoctorCheck =>
  check(name, "FAIL", detail, hint);

function check(name: string, status: DoctorStatus, detail: string, hint: string | undefined): DoctorCheck {
  return hint === undefined ? { name, status, detail } : { name, status, detail, hint };
}
