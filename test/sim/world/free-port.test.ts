import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { freePort } from "../../../src/sim/world/free-port.js";

describe("freePort", () => {
  it("hands out distinct ports below the kernel's ephemeral range, each one free to listen on", async () => {
    const ports = await Promise.all(Array.from({ length: 40 }, () => freePort()));
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(32_768);
    }
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(ports[0], "127.0.0.1", resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
