import type { RevocationBus } from './revocation-bus';

interface Entry<V> {
  readonly value: V;
  readonly cachedAt: number;
  readonly groups: readonly string[];
}

/**
 * What the session, API key and membership caches share: values served only while younger
 * than `ttlMs` and while the revocation bus is connected (a missed revocation must never be
 * served from memory), dropped by key or by group (a user's sessions or keys, an org's
 * members), bounded by starting over when full, and never stored from a database read that
 * began before an eviction (`stamp`): such a read may hold what the eviction just removed, and
 * would otherwise be served until the TTL. Each cache subscribes to the bus messages that
 * concern it and calls `evict` / `evictGroup`.
 */
export class RevocableCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly byGroup = new Map<string, Set<string>>();
  private evictions = 0;

  constructor(
    private readonly bus: RevocationBus,
    private readonly ttlMs: number,
    private readonly groupsOf: (value: V) => readonly string[],
    private readonly maxEntries = 10_000,
  ) {}

  /** Whether values may be stored and served now. */
  enabled(): boolean {
    return this.ttlMs > 0 && this.bus.isConnected();
  }

  /** The fresh value of a key, if the cache is enabled and holds one. */
  get(key: string, nowMs: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry || !this.enabled() || nowMs - entry.cachedAt >= this.ttlMs) return undefined;
    return entry.value;
  }

  /** Taken before reading the value from the database, and handed to `set`. */
  stamp(): number {
    return this.evictions;
  }

  /** Stores a value read since `stamp` (no-op while disabled, or after an eviction since). */
  set(key: string, value: V, nowMs: number, stamp: number): void {
    if (!this.enabled() || stamp !== this.evictions) return;
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) {
      this.entries.clear();
      this.byGroup.clear();
    }
    this.remove(key);
    const groups = this.groupsOf(value);
    this.entries.set(key, { value, cachedAt: nowMs, groups });
    for (const group of groups) {
      let keys = this.byGroup.get(group);
      if (!keys) this.byGroup.set(group, (keys = new Set()));
      keys.add(key);
    }
  }

  evict(key: string): void {
    this.evictions += 1;
    this.remove(key);
  }

  evictGroup(group: string): void {
    this.evictions += 1;
    for (const key of this.byGroup.get(group) ?? []) this.remove(key);
    this.byGroup.delete(group);
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    for (const group of entry.groups) this.byGroup.get(group)?.delete(key);
  }
}
