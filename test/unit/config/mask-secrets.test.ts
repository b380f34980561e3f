import { describe, expect, it } from "vitest";
import { maskRouterSecrets, maskSecrets } from "../../../src/config/index.js";
import { executorYaml, parseExecutor, parseRouter, routerYaml } from "./config-test-support.js";

describe("masking secrets for check-config", () => {
  const config = parseExecutor(
    executorYaml(
      "apiToken: api-tok\ntart:\n  ssh:\n    password: pw\n    privateKey: /k/id\n  registry:\n    hostname: r.example\n    username: ci\n    password: reg-pw",
    ).replace("port: 3250", "port: 3250\n  routerToken: router-tok"),
  );
  const masked = maskSecrets(config);

  it("replaces every secret with ***", () => {
    expect(masked.github.webhookSecret).toBe("***");
    expect(masked.apiToken).toBe("***");
    expect(masked.tart.ssh.password).toBe("***");
    expect(masked.tart.registry?.password).toBe("***");
    expect(masked.webhook.routerToken).toBe("***");
  });

  it("shows everything that is not secret, including key paths", () => {
    expect(masked.github.privateKeyPath).toBe("/Users/ci/config/key.pem");
    expect(masked.tart.ssh.privateKeyPath).toBe("/k/id");
    expect(masked.tart.registry?.username).toBe("ci");
    expect(masked.hostname).toBe("mac-1");
  });

  it("leaves no secret anywhere in the printed output and does not change the config", () => {
    const printed = JSON.stringify(masked);
    for (const secret of ["s3cret", "api-tok", '"pw"', "reg-pw", "router-tok"])
      expect(printed).not.toContain(secret);
    expect(config.github.webhookSecret).toBe("s3cret");
  });

  it("does not invent secrets that are not set", () => {
    const plain = maskSecrets(parseExecutor(executorYaml()));
    expect(plain).not.toHaveProperty("apiToken");
    expect(plain.webhook).not.toHaveProperty("routerToken");
    expect(plain.tart).not.toHaveProperty("registry");
  });

  it("masks the router's secrets", () => {
    const router = parseRouter(routerYaml("apiToken: a\nexecutorToken: e"));
    const maskedRouter = maskRouterSecrets(router);
    expect(maskedRouter).toMatchObject({ webhookSecret: "***", apiToken: "***", executorToken: "***" });
    expect(maskedRouter.hosts).toEqual(router.hosts);
  });
});
