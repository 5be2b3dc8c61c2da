import { RevocableCache } from '../sessions/revocable-cache';
import type { RevocationBus } from '../sessions/revocation-bus';
import type { MembershipOfRow } from './membership-queries';

/**
 * The in-process cache of each caller's memberships (org, role, the org's MFA rule), which
 * every org-scoped call reads before it may act: with it, such a call spends no statement on
 * who the caller is in the org. The session cache's rules (revocable-cache.ts), and dropped
 * the moment any instance publishes `memberships` (a join, a role change, a removal, a
 * departure: those users; an org's settings changed: every cached member of it) or `userId`
 * (the account's access changed). Every change publishes after its transaction commits.
 */
export class MembershipCache {
  private readonly cache: RevocableCache<readonly MembershipOfRow[]>;

  constructor(bus: RevocationBus, ttlMs: number) {
    // Grouped by org (`org:` ids), so an org's change finds its cached members.
    this.cache = new RevocableCache(bus, ttlMs, (rows) => rows.map((r) => `org:${r.org_id}`));
    bus.subscribe((m) => {
      if ('memberships' in m) {
        for (const userId of m.memberships.userIds ?? []) this.cache.evict(userId);
        for (const orgId of m.memberships.orgIds ?? []) this.cache.evictGroup(`org:${orgId}`);
      } else if ('userId' in m) this.cache.evict(m.userId);
    });
  }

  /** The user's fresh memberships, if the cache is enabled and holds them. */
  get(userId: string, nowMs: number): readonly MembershipOfRow[] | undefined {
    return this.cache.get(userId, nowMs);
  }

  /** Taken before reading memberships from the database, and handed to `set`. */
  stamp(): number {
    return this.cache.stamp();
  }

  set(userId: string, rows: readonly MembershipOfRow[], nowMs: number, stamp: number): void {
    this.cache.set(userId, rows, nowMs, stamp);
  }
}
