/**
 * Configuration of the simulated Mac (simulated `tart`, its VMs and their guests).
 *
 * The simulation keeps its own control files beside tart's state, in `$TART_HOME/.sim/`
 * (override with the env var `TART_SIM_DIR`):
 *   config.json        this schema; read by every simulated `tart` invocation and by running VMs
 *   invocations.jsonl  one JSON line per `tart` invocation: { argv, env (TART_* and CI), startedAt, endedAt, exitCode, pid }
 *   leases.json        simulated DHCP leases: { [mac]: { ip, expiresAt } }
 *   faults-used.json   how many times each fault has fired (for `times`)
 *   registry/          nothing needed: images are described in config.json
 * Real tart state stays in the real layout under `$TART_HOME` (vms/, cache/OCIs/, tmp/).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/** A fault that fires on matching invocations. `times` limits how often (default: always). */
const faultBase = {
  /** Fire only for VM names or image references that contain this substring. */
  match: z.string().optional(),
  /** Fire at most this many times in total (counted in faults-used.json). */
  times: z.number().int().positive().optional(),
};

export const simImageSchema = z.object({
  os: z.enum(["darwin", "linux"]).default("darwin"),
  cpu: z.number().int().positive().default(4),
  memoryMiB: z.number().int().positive().default(8192),
  diskGB: z.number().int().positive().default(50),
  /** Shown in `pulling disk (X GB compressed)...`. */
  compressedGB: z.number().positive().default(25.3),
  /** sha256 hex of the manifest; derived from the name when absent. */
  digest: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /** The guest's SSH login. */
  username: z.string().default("admin"),
  password: z.string().default("admin"),
  /** Whether `~/actions-runner` (the runner stand-in) is preinstalled in the image. */
  hasRunner: z.boolean().default(true),
  /** Homebrew in /opt/homebrew (brew, node, pod) and the templates' `~/.zprofile` (all non-vanilla images). */
  hasHomebrew: z.boolean().default(true),
  /** The Tart Guest Agent (launchd agent; answers `tart exec`); all non-vanilla cirruslabs images have it. */
  hasAgent: z.boolean().default(true),
  /** Baked-in MAC address (the first clone keeps it, as real tart does). */
  macAddress: z.string().optional(),
  /** When set, pulls need TART_REGISTRY_USERNAME/PASSWORD equal to these (else AuthFailed 401). */
  auth: z.object({ username: z.string(), password: z.string() }).optional(),
});
export type SimImage = z.infer<typeof simImageSchema>;

export const simConfigSchema = z.object({
  /** Remote images the simulated registry serves, keyed by full reference with tag (`host/ns:tag`). */
  images: z.record(z.string(), simImageSchema).default({}),
  delays: z
    .object({
      pullMs: z.number().int().nonnegative().default(0),
      cloneMs: z.number().int().nonnegative().default(0),
      /** From `tart run` start until the VM has an IP (DHCP lease written). */
      bootMs: z.number().int().nonnegative().default(0),
      /** From IP until the guest's SSH server accepts connections. */
      sshReadyMs: z.number().int().nonnegative().default(0),
      /** From a guest `shutdown -h now` until `tart run` exits. */
      shutdownMs: z.number().int().nonnegative().default(0),
      /** `tart ip --wait` retry interval (real tart: 1 s). */
      ipPollMs: z.number().int().positive().default(1000),
      /** `tart stop` lock poll interval (real tart: 100 ms). */
      stopPollMs: z.number().int().positive().default(100),
      /** How long `tart exec` keeps trying to reach the guest agent (grpc-swift's pool wait, 5 s). */
      agentWaitMs: z.number().int().nonnegative().default(5000),
    })
    .default({
      pullMs: 0,
      cloneMs: 0,
      bootMs: 0,
      sshReadyMs: 0,
      shutdownMs: 0,
      ipPollMs: 1000,
      stopPollMs: 100,
      agentWaitMs: 5000,
    }),
  network: z
    .object({
      /** First two octets of the loopback addresses handed out to VMs (127.x). Tests pick distinct ones. */
      ipPrefix: z
        .string()
        .regex(/^127\.\d{1,3}$/)
        .default("127.77"),
      /** Port every guest's SSH server listens on (the daemon's `tart.ssh.port`). */
      sshPort: z.number().int().min(1).max(65535).default(2222),
      /** DHCP lease time in seconds (stale leases make `tart ip` answer for stopped VMs). */
      leaseSeconds: z.number().int().positive().default(86400),
      /** Added to the real clock by the simulated DHCP server and `tart ip` (tests let a day pass). */
      leaseClockOffsetSeconds: z.number().int().default(0),
    })
    .default({ ipPrefix: "127.77", sshPort: 2222, leaseSeconds: 86400, leaseClockOffsetSeconds: 0 }),
  vmLimit: z
    .object({
      max: z.number().int().nonnegative().default(2),
      /** Whether Linux guests count towards the limit (no source says; configurable). */
      countLinux: z.boolean().default(false),
      /** tart #1217: the limit "leaks" and every run fails even with 0 VMs running. */
      leaked: z.boolean().default(false),
    })
    .default({ max: 2, countLinux: false, leaked: false }),
  faults: z
    .object({
      /** `tart pull`/`clone` of a remote image: registry refuses credentials. */
      pullAuth: z.object(faultBase).optional(),
      /** `tart pull`: manifest 404. */
      pullNotFound: z.object(faultBase).optional(),
      /** `tart pull`: never finishes (until killed). */
      pullHang: z.object(faultBase).optional(),
      /** `tart pull`: takes this long extra. */
      pullSlow: z.object({ ...faultBase, ms: z.number().int().nonnegative() }).optional(),
      /** `tart clone`: fails (disk full). */
      cloneFail: z.object(faultBase).optional(),
      /** `tart run`: exits 1 shortly after start with a VZErrorDomain error. */
      runCrash: z.object(faultBase).optional(),
      /** `tart run`: the VM never gets an IP. */
      noIp: z.object(faultBase).optional(),
      /** `tart run`: IP appears this much later than bootMs. */
      slowIp: z.object({ ...faultBase, ms: z.number().int().nonnegative() }).optional(),
      /** The guest powers off by itself this long after boot (tart run exits 0). */
      guestStop: z.object({ ...faultBase, afterMs: z.number().int().nonnegative() }).optional(),
      /** The guest's SSH server refuses connections (port closed). */
      sshRefuse: z.object(faultBase).optional(),
      /** The guest's SSH server rejects the password. */
      sshAuthFail: z.object(faultBase).optional(),
      /** Early in boot the guest's sshd listens but rejects every password for `forMs` (directory services not up yet). */
      sshAuthEarly: z.object({ ...faultBase, forMs: z.number().int().nonnegative() }).optional(),
      /** macOS nohup fails with "can't detach from console" (before running the utility) in this boot. */
      nohupNoConsole: z.object(faultBase).optional(),
      /** The guest's SSH server drops every connection this long after a command starts. */
      sshDrop: z.object({ ...faultBase, afterMs: z.number().int().nonnegative() }).optional(),
    })
    .default({}),
});
export type SimConfig = z.infer<typeof simConfigSchema>;
export type SimFaultName = keyof SimConfig["faults"];

/** The simulation's control directory for a TART_HOME. */
export function simDir(tartHome: string, env: NodeJS.ProcessEnv = process.env): string {
  return env["TART_SIM_DIR"] ?? path.join(tartHome, ".sim");
}

/** Reads `<simDir>/config.json` (a missing file means all defaults). */
export function readSimConfig(dir: string): SimConfig {
  let raw: unknown = {};
  try {
    raw = JSON.parse(readFileSync(path.join(dir, "config.json"), "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  return simConfigSchema.parse(raw);
}
