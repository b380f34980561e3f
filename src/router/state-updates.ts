/** Small copy-on-write helpers shared by the reducer's parts. */
import { putJob } from "./job-index.js";
import type { HostState, RouterJob, RouterState, StoredDelivery } from "./router-model.js";

export function withJob(state: RouterState, job: RouterJob): RouterState {
  return putJob(state, job);
}

export function withHost(state: RouterState, host: HostState): RouterState {
  const hosts = new Map(state.hosts);
  hosts.set(host.hostname, host);
  return { ...state, hosts };
}

/** Applies `change` to the named host; unknown hosts (gone from the config) are left alone. */
export function updateHost(
  state: RouterState,
  hostname: string,
  change: (host: HostState) => HostState,
): RouterState {
  const host = state.hosts.get(hostname);
  return host === undefined ? state : withHost(state, change(host));
}

/** `list` plus `items` not already in it, in order. */
export function union(list: readonly string[], ...items: ReadonlyArray<string | null>): readonly string[] {
  const added = items.filter((item): item is string => item !== null && !list.includes(item));
  if (added.length === 0) return list;
  return [...list, ...new Set(added)];
}

/** Appends to a host's outbox; when it is full the oldest entry is dropped (and counted). */
export function pushOutbox(host: HostState, delivery: StoredDelivery, limit: number): HostState {
  const outbox = [...host.outbox, delivery];
  const overflow = Math.max(0, outbox.length - limit);
  return {
    ...host,
    outbox: overflow === 0 ? outbox : outbox.slice(overflow),
    outboxDropped: host.outboxDropped + overflow,
  };
}
