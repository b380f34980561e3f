import { isGuestError, type GuestError } from "../../../src/guest/guest-error.js";

/** The GuestError `promise` rejects with; anything else (including success) fails the test. */
export async function guestFailure(promise: Promise<unknown>): Promise<GuestError> {
  const error: unknown = await promise.then(
    () => new Error("expected a rejection"),
    (caught: unknown) => caught,
  );
  if (!isGuestError(error)) throw error;
  return error;
}
