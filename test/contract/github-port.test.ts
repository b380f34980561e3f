import { generateKeyPairSync } from "node:crypto";
import { afterEach } from "vitest";
import { systemClock } from "../../src/clock.js";
import { GitHubClient } from "../../src/github/github-client.js";
import { startFakeGitHub, type FakeGitHub as FakeGitHubServer } from "../../src/sim/github/fake-github.js";
import { FakeGitHub } from "../unit/executor/fakes/fake-github.js";
import { gitHubPortContract } from "./github-port-contract.js";

gitHubPortContract("the in-memory fake", () => {
  const github = new FakeGitHub("acme");
  return Promise.resolve({ github, disableJit: () => (github.jitAvailable = false) });
});

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const privateKeyPem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
let server: FakeGitHubServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

gitHubPortContract("the GitHub client against the fake GitHub server", async () => {
  const fake = await startFakeGitHub({
    appId: 1001,
    appPrivateKeyPem: privateKeyPem,
    installations: [{ id: 77, account: { login: "acme", type: "Organization" } }],
  });
  server = fake;
  const github = new GitHubClient({
    appId: "1001",
    privateKeyPem,
    apiUrl: fake.apiUrl,
    scope: { kind: "organization", org: "acme" },
    clock: systemClock,
    userAgent: "tart-executor-contract",
  });
  return {
    github,
    disableJit: () =>
      fake.faults.inject({
        method: "POST",
        path: /generate-jitconfig$/,
        times: 100,
        response: { kind: "status", status: 404, message: "Not Found" },
      }),
  };
});
