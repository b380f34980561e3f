/** The registry failures tart prints, in Swift's enum-case format (issue #277, gitlab-tart-executor #28). */
import { TartFailure } from "../cli/errors.js";
import { swiftCase } from "../io/swift-describe.js";

const UNAUTHORIZED = '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}';
const DENIED = '{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}';
const MANIFEST_UNKNOWN = '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}';

export function authFailed(code: 401 | 403): TartFailure {
  return new TartFailure(
    swiftCase("AuthFailed", [
      ["why", `received unexpected HTTP status code ${code} while retrieving an authentication token`],
      ["details", code === 401 ? UNAUTHORIZED : DENIED],
    ]),
  );
}

export function manifestNotFound(): TartFailure {
  return new TartFailure(
    swiftCase("UnexpectedHTTPStatusCode", [
      ["when", "pulling manifest"],
      ["code", 404],
      ["details", MANIFEST_UNKNOWN],
    ]),
  );
}
