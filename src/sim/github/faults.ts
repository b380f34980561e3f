/**
 * Injected misbehaviour for the fake's REST endpoints: the next N requests matching a method and
 * a path pattern get a rate-limit answer (403/429 with `retry-after` and `x-ratelimit-*`), a
 * server error, or a delay before normal handling. Paths are matched without the `/api/v3` prefix
 * and without the query string.
 */
export type FaultResponse =
  /** Secondary (or, with `primary`, primary) rate limit, as GitHub answers it. */
  | {
      readonly kind: "rate-limit";
      readonly status: 403 | 429;
      readonly retryAfterSeconds?: number;
      readonly primary?: boolean;
    }
  | { readonly kind: "status"; readonly status: number; readonly message?: string }
  | { readonly kind: "delay"; readonly ms: number };

export interface FaultSpec {
  /** Upper-case HTTP method; any when absent. */
  readonly method?: string;
  readonly path: RegExp | string;
  /** How many matching requests the fault affects (default 1). */
  readonly times?: number;
  readonly response: FaultResponse;
}

export interface FaultHandle {
  readonly spec: FaultSpec;
  /** How many times it has fired. */
  readonly fired: number;
  /** Stop it from firing again. */
  remove(): void;
}

interface ActiveFault {
  readonly spec: FaultSpec;
  readonly pattern: RegExp;
  fired: number;
}

export class Faults {
  #active: ActiveFault[] = [];

  inject(spec: FaultSpec): FaultHandle {
    const pattern = typeof spec.path === "string" ? new RegExp(spec.path) : spec.path;
    const fault: ActiveFault = { spec, pattern, fired: 0 };
    this.#active.push(fault);
    return {
      spec,
      get fired() {
        return fault.fired;
      },
      remove: () => {
        this.#active = this.#active.filter((f) => f !== fault);
      },
    };
  }

  clear(): void {
    this.#active = [];
  }

  /** The fault that fires for this request (counting it), if any; the oldest matching one wins. */
  take(method: string, path: string): FaultResponse | undefined {
    for (const fault of this.#active) {
      if (fault.spec.method !== undefined && fault.spec.method.toUpperCase() !== method.toUpperCase())
        continue;
      fault.pattern.lastIndex = 0;
      if (!fault.pattern.test(path)) continue;
      fault.fired += 1;
      if (fault.fired >= (fault.spec.times ?? 1)) this.#active = this.#active.filter((f) => f !== fault);
      return fault.spec.response;
    }
    return undefined;
  }
}
