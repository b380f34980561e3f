/**
 * Acting as the GitHub App against the fake GitHub from a test, independently of the product's
 * client: an App JWT signed with the App key, an installation token, and JIT runner registrations
 * (what a previous executor run, or someone else, may have left behind).
 */
import { createSign } from "node:crypto";
import { readFileSync } from "node:fs";
import type { SimWorld } from "../../src/sim/world/sim-world.js";

const INSTALLATION_ID = 31337;

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString("base64url");
}

function appJwt(appId: number, privateKeyPem: string): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: "RS256", typ: "JWT" }));
  const payload = base64url(JSON.stringify({ iat: now - 30, exp: now + 300, iss: String(appId) }));
  const signature = createSign("RSA-SHA256").update(`${header}.${payload}`).sign(privateKeyPem);
  return `${header}.${payload}.${base64url(signature)}`;
}

async function call(url: string, init: RequestInit): Promise<unknown> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${url} answered ${response.status}: ${text}`);
  return text === "" ? undefined : JSON.parse(text);
}

/** An installation access token of the sim's App installation. */
export async function installationToken(world: SimWorld): Promise<string> {
  const jwt = appJwt(world.github.appId, readFileSync(world.privateKeyPath, "utf8"));
  const answer = (await call(`${world.github.apiUrl}/app/installations/${INSTALLATION_ID}/access_tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${jwt}`, accept: "application/vnd.github+json" },
  })) as { token: string };
  return answer.token;
}

/** Registers a JIT runner named `name` in the org (never started: it stays offline). */
export async function registerOrgRunner(world: SimWorld, org: string, name: string): Promise<number> {
  const token = await installationToken(world);
  const answer = (await call(`${world.github.apiUrl}/orgs/${org}/actions/runners/generate-jitconfig`, {
    method: "POST",
    headers: {
      authorization: `token ${token}`,
      accept: "application/vnd.github+json",
      "content-type": "application/json",
    },
    body: JSON.stringify({
      name,
      runner_group_id: 1,
      labels: ["self-hosted", "tartelet"],
      work_folder: "_work",
    }),
  })) as { runner: { id: number } };
  return answer.runner.id;
}
