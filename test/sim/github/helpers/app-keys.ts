/** A throw-away App key pair and JWT signing with node:crypto (RS256), as the daemon would sign. */
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";

export interface AppKeys {
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  readonly privateKeyPem: string;
}

export function generateAppKeys(): AppKeys {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    privateKey,
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    privateKeyPem: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
  };
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

export function signJwt(
  privateKey: KeyObject,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: "RS256", typ: "JWT" },
): string {
  const data = `${b64url(header)}.${b64url(claims)}`;
  return `${data}.${sign("RSA-SHA256", Buffer.from(data), privateKey).toString("base64url")}`;
}

/** The JWT octokit/auth-app would send at `nowMs`: iat 30 s back, exp 9.5 min ahead. */
export function appJwt(privateKey: KeyObject, appId: number | string, nowMs = Date.now()): string {
  const now = Math.floor(nowMs / 1000);
  return signJwt(privateKey, { iat: now - 30, exp: now + 570, iss: appId });
}
