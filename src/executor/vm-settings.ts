/** What the VM lifecycle needs from the configuration, already resolved by the composition root. */
export interface VmSettings {
  /** How to reach the guest (tart.guestChannel; absent: ssh). */
  readonly guestChannel?: "auto" | "agent" | "ssh";
  /** runner.environment: exported for the runner after the guest's login profiles. */
  readonly runnerEnvironment?: Readonly<Record<string, string>>;
  /**
   * Seed of the stable per-slot MACs used in NAT networking (the executor's hostname); absent:
   * every VM gets a random MAC (vm-mac-slot.ts).
   */
  readonly macSeed?: string;
  readonly pullPolicy: "always" | "if-not-present" | "never";
  /** Whether pulls/clones of this image need `--insecure`. */
  readonly insecure: (image: string) => boolean;
  /** TART_REGISTRY_* for pulls and clones (empty when no registry credentials are configured). */
  readonly registryEnv: Readonly<Record<string, string>>;
  readonly noGraphics: boolean;
  readonly netBridged: string | null;
  /** `tart run --dir` values. */
  readonly dirs: readonly string[];
  readonly runnerGroup: string | null;
  readonly disableUpdates: boolean;
  readonly workFolder: string;
  /** Runner directory in the guest, relative to the login user's home. */
  readonly guestRunnerDir: string;
  /** Directory for per-VM log files on the host. */
  readonly vmLogDir: string;
  readonly timeouts: {
    readonly pullMs: number;
    readonly cloneMs: number;
    readonly bootMs: number;
    readonly runnerOnlineMs: number;
    readonly teardownMs: number;
  };
}

/** Why the executor asks a VM to go away (carried as the AbortSignal's reason). */
export class TeardownRequest extends Error {
  readonly failure: boolean;
  constructor(reason: string, failure: boolean) {
    super(reason);
    this.name = "TeardownRequest";
    this.failure = failure;
  }
}
