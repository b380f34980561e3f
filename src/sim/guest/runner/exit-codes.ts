/** Runner.Listener return codes (actions/runner `Constants.Runner.ReturnCode`). */
export const ReturnCode = {
  Success: 0,
  TerminatedError: 1,
  RetryableError: 2,
  SessionConflict: 5,
} as const;
