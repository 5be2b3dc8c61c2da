import type { RevocationBus } from '../sessions/revocation-bus';
import type { MembershipOfRow } from './membership-queries';

interface Entry {
  readonly rows: readonly MembershipOfRow[];
  readonly cachedAt: number;
}

/**
 * The in-process cache of each caller's memberships (org, role, the org's
 * MFA rule), which every org-scoped call reads before it may act: with it,
 * such a call spends no statement on who the caller is in the org. The
 * session cache's rules: served only while younger than `ttlMs` and while
 * the revocation bus is connected; dropped the moment any instance publishes
 * `memberships` (a join, a role change, a removal, a departure: those users;
 * an org's settings changed: every cached member of it) or `userId` (the
 * account's access changed). Every change publishes after its transaction
 * commits, and a read that began before an eviction is not stored (`stamp`),
 * so a change is never undone by a read that overlapped it.
 */
export class MembershipCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byOrg = new Map<string, Set<string>>();
  private evictions = 0;

  constructor(
    private readonly bus: RevocationBus,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {
    bus.subscribe((m) => {
      if ('memberships' in m) {
        for (const userId of m.memberships.userIds ?? []) this.evictUser(userId);
        for (const orgId of m.memberships.orgIds ?? []) this.evictOrg(orgId);
      } else if ('userId' in m) this.evictUser(m.userId);
    });
  }

  enabled(): boolean {
    return this.ttlMs > 0 && this.bus.isConnected();
  }

  /** The user's fresh memberships, if the cache is enabled and holds them. */
  get(userId: string, nowMs: number): readonly MembershipOfRow[] | undefined {
    const entry = this.entries.get(userId);
    if (!entry || !this.enabled() || nowMs - entry.cachedAt >= this.ttlMs) return undefined;
    return entry.rows;
  }

  /** Taken before reading memberships from the database, and handed to `set`. */
  stamp(): number {
    return this.evictions;
  }

  /** Stores memberships read since `stamp` (no-op while disabled, or after an eviction since). */
  set(userId: string, rows: readonly MembershipOfRow[], nowMs: number, stamp: number): void {
    if (!this.enabled() || stamp !== this.evictions) return;
    if (this.entries.size >= this.maxEntries && !this.entries.has(userId)) this.clear();
    this.evictUser(userId, false);
    this.entries.set(userId, { rows, cachedAt: nowMs });
    for (const row of rows) {
      let users = this.byOrg.get(row.org_id);
      if (!users) this.byOrg.set(row.org_id, (users = new Set()));
      users.add(userId);
    }
  }

  evictUser(userId: string, counted = true): void {
    if (counted) this.evictions += 1;
    const entry = this.entries.get(userId);
    if (!entry) return;
    this.entries.delete(userId);
    for (const row of entry.rows) this.byOrg.get(row.org_id)?.delete(userId);
  }

  evictOrg(orgId: string): void {
    this.evictions += 1;
    for (const userId of this.byOrg.get(orgId) ?? []) this.evictUser(userId, false);
    this.byOrg.delete(orgId);
  }

  private clear(): void {
    this.entries.clear();
    this.byOrg.clear();
  }
}
