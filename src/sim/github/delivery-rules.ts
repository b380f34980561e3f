/**
 * Delivery knobs: drop, duplicate or delay a webhook delivery, given for one event or as rules
 * that match deliveries by event, action or job for a number of times.
 */
export interface DeliveryKnobs {
  /** Never arrives; recorded as a failed delivery so a redelivery can recover it. */
  readonly drop?: boolean;
  /** Sent twice: as a redelivery would (same GUID) or as a repeated event (new GUID). */
  readonly duplicate?: "same-guid" | "new-guid";
  readonly delayMs?: number;
}

export interface DeliveryRule extends DeliveryKnobs {
  readonly match?: { readonly event?: string; readonly action?: string; readonly jobId?: number };
  /** How many deliveries the rule affects (default: unlimited). */
  readonly times?: number;
}

export interface DeliveryMeta {
  readonly event: string;
  readonly action: string | null;
  readonly jobId: number | null;
  readonly installationId: number | null;
  readonly repositoryId: number | null;
}

interface ActiveRule {
  readonly rule: DeliveryRule;
  used: number;
}

export class DeliveryRules {
  #rules: ActiveRule[] = [];

  add(rule: DeliveryRule): { remove(): void } {
    const active: ActiveRule = { rule, used: 0 };
    this.#rules.push(active);
    return { remove: () => void (this.#rules = this.#rules.filter((r) => r !== active)) };
  }

  clear(): void {
    this.#rules = [];
  }

  /** The knobs for one event: the first matching rule (counted), overridden by the event's own. */
  knobsFor(meta: DeliveryMeta, own: DeliveryKnobs | undefined): DeliveryKnobs {
    const active = this.#rules.find(({ rule, used }) => {
      const m = rule.match ?? {};
      return (
        (rule.times === undefined || used < rule.times) &&
        (m.event === undefined || m.event === meta.event) &&
        (m.action === undefined || m.action === meta.action) &&
        (m.jobId === undefined || m.jobId === meta.jobId)
      );
    });
    if (active !== undefined) active.used += 1;
    const { match: _match, times: _times, ...knobs } = active?.rule ?? {};
    return { ...knobs, ...own };
  }
}
