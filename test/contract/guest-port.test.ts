import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { systemClock } from "../../src/clock.js";
import type { GuestPort } from "../../src/executor/ports.js";
import { connectGuest } from "../../src/guest/ssh-guest.js";
import {
  IMAGE_WITH_RUNNER,
  simTartExecutable,
  startSimWorld,
  type SimWorld,
} from "../../src/sim/world/sim-world.js";
import { Tart } from "../../src/tart/tart.js";
import { FakeGuest } from "../unit/executor/fakes/fake-guest.js";
import { FakeTart } from "../unit/executor/fakes/fake-tart.js";
import { guestPortContract } from "./guest-port-contract.js";

const fakeTart = new FakeTart({ [IMAGE_WITH_RUNNER]: { hasRunner: true } });
guestPortContract("the in-memory fake", () => ({
  tart: fakeTart,
  guest: new FakeGuest(fakeTart),
  image: IMAGE_WITH_RUNNER,
}));

let world: SimWorld | undefined;
let tart: Tart | undefined;
beforeAll(async () => {
  if (!existsSync(path.join(path.dirname(simTartExecutable), "..", "dist", "sim", "tart", "main.js")))
    throw new Error("build first: npx tsc -p tsconfig.build.json (npm test does)");
  world = await startSimWorld();
  tart = new Tart({
    executable: simTartExecutable,
    env: { PATH: process.env["PATH"] ?? "", TART_HOME: world.tartHome, CI: "1" },
  });
});
afterAll(async () => world?.close());

guestPortContract("the SSH guest over a simulated VM", () => {
  if (world === undefined || tart === undefined) throw new Error("the simulated world did not start");
  const sshPort = world.sshPort;
  // As the daemon builds it (src/cli/executor-daemon.ts), with the simulated image's login.
  const guest: GuestPort = {
    connect: (target) =>
      connectGuest(
        {
          host: target.host,
          port: sshPort,
          username: "admin",
          password: "admin",
          readyTimeoutMs: 5_000,
          keepaliveIntervalMs: 5_000,
          retry: { deadline: target.deadline, retryIntervalMs: 250 },
          signal: target.signal,
        },
        { clock: systemClock },
      ),
  };
  return { tart, guest, image: IMAGE_WITH_RUNNER };
});
