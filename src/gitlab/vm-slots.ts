/**
 * The host's VM slots (tart runs at most two macOS VMs, tart-cli.md), shared by every concurrent
 * driver through files: `<stateDir>/slots/<vm>.json` reservations, changed only while holding the
 * `<stateDir>/slots.lock` directory (mkdir is atomic). A slot is taken when the running VMs (any
 * owner: the executor daemon's count too) plus the reservations not yet running are fewer than
 * the limit; otherwise prepare waits, polling, until a slot frees or it is cancelled. A
 * reservation whose prepare process died and whose VM no longer exists is dropped.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Clock } from "../clock.js";

export const TART_VM_LIMIT = 2;
const LOCK_STALE_MS = 30_000;

export interface SlotDeps {
  readonly clock: Clock;
  /** Names of all local VMs and whether each is running (`tart list`). */
  readonly listVms: () => Promise<ReadonlyArray<{ name: string; running: boolean }>>;
  readonly isProcessAlive: (pid: number) => boolean;
  readonly pid: number;
}

interface Reservation {
  readonly vm: string;
  readonly pid: number;
  readonly reservedAt: number;
}

export class VmSlots {
  readonly #dir: string;
  readonly #lockDir: string;
  readonly #deps: SlotDeps;
  readonly #limit: number;

  constructor(stateDir: string, deps: SlotDeps, limit = TART_VM_LIMIT) {
    this.#dir = path.join(stateDir, "slots");
    this.#lockDir = path.join(stateDir, "slots.lock");
    this.#deps = deps;
    this.#limit = limit;
    mkdirSync(this.#dir, { recursive: true });
  }

  /** Takes a slot for `vm`, waiting (polling every `pollMs`) while the host is full. */
  async acquire(
    vm: string,
    options: { pollMs: number; signal?: AbortSignal; onWait?: (busy: number) => void },
  ) {
    let told = false;
    for (;;) {
      options.signal?.throwIfAborted();
      const busy = await this.#withLock(async () => {
        const vms = await this.#deps.listVms();
        const reservations = this.#liveReservations(vms.map((entry) => entry.name));
        const taken = new Set([
          ...vms.filter((entry) => entry.running).map((entry) => entry.name),
          ...reservations,
        ]);
        if (taken.size < this.#limit) {
          const reservation: Reservation = { vm, pid: this.#deps.pid, reservedAt: this.#deps.clock.now() };
          writeFileSync(this.#file(vm), JSON.stringify(reservation));
          return null;
        }
        return taken.size;
      }, options.signal);
      if (busy === null) return;
      if (!told) options.onWait?.(busy);
      told = true;
      await this.#deps.clock.sleep(options.pollMs, options.signal);
    }
  }

  release(vm: string): void {
    rmSync(this.#file(vm), { force: true });
  }

  /** Reserved VM names (for tests and status). */
  reservations(): string[] {
    return readdirSync(this.#dir)
      .filter((file) => file.endsWith(".json"))
      .map((file) => file.slice(0, -5));
  }

  #file(vm: string): string {
    return path.join(this.#dir, `${vm}.json`);
  }

  #liveReservations(existing: readonly string[]): string[] {
    const live: string[] = [];
    for (const vm of this.reservations()) {
      const reservation = this.#read(vm);
      const keep =
        reservation !== undefined && (existing.includes(vm) || this.#deps.isProcessAlive(reservation.pid));
      if (keep) live.push(vm);
      else this.release(vm);
    }
    return live;
  }

  #read(vm: string): Reservation | undefined {
    try {
      const parsed = JSON.parse(readFileSync(this.#file(vm), "utf8")) as Partial<Reservation>;
      return typeof parsed.pid === "number" && typeof parsed.vm === "string"
        ? (parsed as Reservation)
        : undefined;
    } catch {
      return undefined;
    }
  }

  async #withLock<T>(body: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    for (;;) {
      signal?.throwIfAborted();
      try {
        mkdirSync(this.#lockDir);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        if (this.#lockIsStale()) rmSync(this.#lockDir, { recursive: true, force: true });
        else await this.#deps.clock.sleep(50, signal);
      }
    }
    try {
      return await body();
    } finally {
      rmSync(this.#lockDir, { recursive: true, force: true });
    }
  }

  #lockIsStale(): boolean {
    try {
      return this.#deps.clock.now() - statSync(this.#lockDir).mtimeMs > LOCK_STALE_MS;
    } catch {
      return false;
    }
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
