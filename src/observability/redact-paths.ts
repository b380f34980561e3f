/**
 * pino `redact` paths for secret-shaped keys. pino's `*` matches one level, so each key is
 * listed at the top level and one and two levels down (`{ github: { privateKey } }`,
 * `{ config: { ssh: { password } } }`). Values that escape these paths are still caught by
 * the SecretRegistry.
 */

const SECRET_KEYS = [
  "password",
  "passphrase",
  "token",
  "accessToken",
  "apiToken",
  "registrationToken",
  "secret",
  "clientSecret",
  "webhookSecret",
  "privateKey",
  "private_key",
  "encoded_jit_config",
  "jitConfig",
  "authorization",
];

const HEADER_PATHS = [
  'headers["x-hub-signature-256"]',
  'headers["x-hub-signature"]',
  "headers.cookie",
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-hub-signature"]',
  "req.headers.authorization",
  "req.headers.cookie",
  // Errors from HTTP clients carry the request they made (octokit's RequestError does).
  "err.request.headers.authorization",
  "*.request.headers.authorization",
];

export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
  ...HEADER_PATHS,
];
