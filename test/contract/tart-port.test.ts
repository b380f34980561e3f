import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import {
  IMAGE_WITH_RUNNER,
  simTartExecutable,
  startSimWorld,
  type SimWorld,
} from "../../src/sim/world/sim-world.js";
import { Tart } from "../../src/tart/tart.js";
import { FakeTart } from "../unit/executor/fakes/fake-tart.js";
import { tartPortContract } from "./tart-port-contract.js";

tartPortContract("the in-memory fake", () => ({
  tart: new FakeTart({ [IMAGE_WITH_RUNNER]: { hasRunner: true } }),
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

tartPortContract("the Tart adapter over the simulated tart", () => {
  if (tart === undefined) throw new Error("the simulated world did not start");
  return { tart, image: IMAGE_WITH_RUNNER };
});
