import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { executorConfigSchema } from "../../../src/config/executor-config-schema.js";
import { loadExecutorConfig, loadRouterConfig } from "../../../src/config/index.js";
import { routerConfigSchema } from "../../../src/config/router-config-schema.js";
import { allKeyPaths } from "../../../src/config/schema-walk.js";
import { z } from "zod";

const root = (name: string) => new URL(`../../../${name}`, import.meta.url).pathname;
const deps = (text: string) => ({ env: {}, homedir: "/Users/ci", readFile: () => text });

/** Turns the optional settings shown as "# key: value" into real lines, as a user would. */
function uncommentSettings(text: string): string {
  return text.replace(/^(\s*)# (\s*(?:- )?[A-Za-z]\w*:.*)$/gm, "$1$2");
}

/** Every key name the schema knows, at any depth. */
function schemaKeys(schema: z.ZodType): Set<string> {
  return new Set(allKeyPaths(schema, { throughLists: true }).map((p) => String(p.at(-1))));
}

/** Keys the file does not mention, as a setting or as a commented-out one. */
function unmentionedKeys(text: string, schema: z.ZodType): string[] {
  const mentioned = new Set([...text.matchAll(/^\s*(?:# )?\s*(?:- )?([A-Za-z]\w*):/gm)].map((m) => m[1]));
  // `label` is the router README's old spelling of `labels`; the example shows only the new one.
  return [...schemaKeys(schema)].filter((key) => key !== "label" && !mentioned.has(key));
}

/** Keys none of whose setting lines carry a comment (on the line or the line above). */
function uncommentedSettings(text: string, schema: z.ZodType): string[] {
  const lines = text.split("\n");
  const commented = new Set<string>();
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    const key = /^\s*(?:# )?\s*(?:- )?([A-Za-z]\w*):/.exec(line)?.[1];
    if (key === undefined) return;
    seen.add(key);
    if (/ # /.test(line) || (lines[i - 1] ?? "").trim().startsWith("#")) commented.add(key);
  });
  return [...schemaKeys(schema)].filter((key) => seen.has(key) && !commented.has(key));
}

describe("tart-executor.example.yaml", () => {
  const text = readFileSync(root("tart-executor.example.yaml"), "utf8");

  it("is a valid configuration", () => {
    const config = loadExecutorConfig("/Users/ci/tart-executor.yaml", deps(text));
    expect(config.github).toMatchObject({ runnerScope: "organization", organizationName: "acme" });
    expect(config.runner.labels).toEqual(["tartelet"]);
    expect(config.tart.images.allow).toEqual(["ghcr.io/cirruslabs/*"]);
    expect(config.tart.images.aliases).toEqual({ xcode16: "ghcr.io/cirruslabs/macos-sequoia-xcode:16" });
  });

  it("stays valid with every optional setting switched on", () => {
    const config = loadExecutorConfig("/Users/ci/tart-executor.yaml", deps(uncommentSettings(text)));
    expect(config.tart.registry?.hostname).toBe("registry.example.com");
    expect(config.tart.mounts).toEqual([{ name: "cache", path: "/Users/ci/tart-cache", readOnly: true }]);
    expect(config.webhook.routerUrl).toBe("http://10.0.4.1:3251");
  });

  it("mentions every key", () => {
    expect(unmentionedKeys(text, executorConfigSchema)).toEqual([]);
  });

  it("comments every key", () => {
    expect(uncommentedSettings(text, executorConfigSchema)).toEqual([]);
  });
});

describe("tart-router.example.yaml", () => {
  const text = readFileSync(root("tart-router.example.yaml"), "utf8");

  it("is a valid configuration", () => {
    const config = loadRouterConfig("/Users/ci/tart-router.yaml", deps(text));
    expect(config.labels).toEqual(["tartelet"]);
    expect(config.hosts.map((h) => h.hostname)).toEqual(["mac-mini-1", "mac-mini-2"]);
  });

  it("stays valid with every optional setting switched on", () => {
    const config = loadRouterConfig("/Users/ci/tart-router.yaml", deps(uncommentSettings(text)));
    expect(config.executorToken).toBe("replace-with-a-shared-secret");
    expect(config.github).toEqual({
      appId: "1234567",
      privateKeyPath: "/Users/ci/acme-tartelet.private-key.pem",
      apiUrl: "https://api.github.com",
    });
  });

  it("mentions every key", () => {
    expect(unmentionedKeys(text, routerConfigSchema)).toEqual([]);
  });

  it("comments every key", () => {
    expect(uncommentedSettings(text, routerConfigSchema)).toEqual([]);
  });
});
