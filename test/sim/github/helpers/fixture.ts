/** A fake GitHub with one organization and one user installation, plus auth shortcuts. */
import {
  startFakeGitHub,
  type FakeGitHub,
  type FakeGitHubOptions,
} from "../../../../src/sim/github/fake-github.js";
import { appJwt, type AppKeys } from "./app-keys.js";
import { call } from "./http.js";

export const APP_ID = 4242;
export const ORG = "Octo-Org";
export const ORG_INSTALLATION = 1001;
export const USER = "lone-dev";
export const USER_INSTALLATION = 1002;

export interface Fixture {
  readonly gh: FakeGitHub;
  /** Authorization value with a fresh App JWT. */
  jwt(nowMs?: number): string;
  /** Authorization value with a new installation token. */
  installationAuth(installationId?: number, body?: unknown): Promise<string>;
}

export async function startFixture(
  keys: AppKeys,
  options: Partial<FakeGitHubOptions> = {},
): Promise<Fixture> {
  const gh = await startFakeGitHub({
    appId: APP_ID,
    appPublicKeyPem: keys.publicKeyPem,
    installations: [
      { id: ORG_INSTALLATION, account: { login: ORG, type: "Organization" } },
      { id: USER_INSTALLATION, account: { login: USER, type: "User" }, repositories: ["tools"] },
    ],
    ...options,
  });
  // JWTs are signed at the fake's notion of now, as a client correcting skew from `Date` would.
  const jwt = (nowMs?: number): string =>
    `Bearer ${appJwt(keys.privateKey, APP_ID, nowMs ?? options.clock?.now() ?? Date.now())}`;
  return {
    gh,
    jwt,
    installationAuth: async (installationId = ORG_INSTALLATION, body?: unknown) => {
      const result = await call("POST", `${gh.apiUrl}/app/installations/${installationId}/access_tokens`, {
        auth: jwt(),
        ...(body === undefined ? {} : { body }),
      });
      if (result.status !== 201) throw new Error(`token request answered ${result.status}: ${result.text}`);
      return `token ${(result.body as { token: string }).token}`;
    },
  };
}
