/**
 * An immutable string-keyed map whose updates copy only a small part of it: keys are spread over
 * 32 × 32 buckets by hash, and `set`/`delete` copy two 32-slot arrays and the one bucket touched. The router's reducer stays pure without copying every job on every event
 * (a plain Map copy costs O(jobs) per event, which at hundreds of events a second is the whole CPU).
 * Iteration order is by bucket, then by insertion: deterministic, but not arrival order.
 */
/** Two levels of 32 slots: an update copies two small arrays and one bucket of about size/1024 keys. */
const FANOUT = 32;

type Bucket<V> = ReadonlyMap<string, V>;
type Level<V> = ReadonlyArray<ReadonlyArray<Bucket<V> | undefined> | undefined>;

export class PersistentMap<V> implements Iterable<[string, V]> {
  readonly #root: Level<V>;
  readonly size: number;

  private constructor(root: Level<V>, size: number) {
    this.#root = root;
    this.size = size;
  }

  static empty<V>(): PersistentMap<V> {
    return new PersistentMap<V>(new Array<undefined>(FANOUT).fill(undefined), 0);
  }

  static from<V>(entries: Iterable<readonly [string, V]>): PersistentMap<V> {
    let map = PersistentMap.empty<V>();
    for (const [key, value] of entries) map = map.set(key, value);
    return map;
  }

  get(key: string): V | undefined {
    const [top, leaf] = slotsOf(key);
    return this.#root[top]?.[leaf]?.get(key);
  }

  has(key: string): boolean {
    const [top, leaf] = slotsOf(key);
    return this.#root[top]?.[leaf]?.has(key) === true;
  }

  set(key: string, value: V): PersistentMap<V> {
    const [top, leaf] = slotsOf(key);
    const old = this.#root[top]?.[leaf];
    const bucket = new Map(old);
    bucket.set(key, value);
    return new PersistentMap(this.#replace(top, leaf, bucket), this.size + (old?.has(key) === true ? 0 : 1));
  }

  delete(key: string): PersistentMap<V> {
    const [top, leaf] = slotsOf(key);
    const old = this.#root[top]?.[leaf];
    if (old?.has(key) !== true) return this;
    const bucket = new Map(old);
    bucket.delete(key);
    return new PersistentMap(this.#replace(top, leaf, bucket.size === 0 ? undefined : bucket), this.size - 1);
  }

  *entries(): IterableIterator<[string, V]> {
    for (const level of this.#root) {
      if (level === undefined) continue;
      for (const bucket of level) if (bucket !== undefined) yield* bucket.entries();
    }
  }

  *keys(): IterableIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): IterableIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }

  #replace(top: number, leaf: number, bucket: Bucket<V> | undefined): Level<V> {
    const level = [...(this.#root[top] ?? new Array<undefined>(FANOUT).fill(undefined))];
    level[leaf] = bucket;
    const root = [...this.#root];
    root[top] = level;
    return root;
  }
}

/** FNV-1a of the key, split into the two slot numbers. */
function slotsOf(key: string): [top: number, leaf: number] {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index += 1) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  const unsigned = hash >>> 0;
  return [unsigned % FANOUT, (unsigned >>> 5) % FANOUT];
}
