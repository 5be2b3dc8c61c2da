import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { AuditEventInput, AuditSink } from '../pipeline/audit-sink';
import type { AuditAction } from './audit-actions';
import type { AuditRecordOptions, RequestAudit } from './request-audit';

/**
 * Audit rows for refusals an attacker can repeat at will (a forged secret
 * for a known key id, a revoked key's token): the first refusal of a kind
 * (`key`) in a window is written at once, the repeats inside the window are
 * only counted, and one row per key and window records how many there were
 * (`details.count`, `details.aggregated: true`). Two hundred forged uses
 * append two rows, not two hundred, and the log still says how many.
 */
export interface AggregatedAudit {
  /** Records one refusal; writes a row only for the first of `key` in the window. */
  append(key: string, event: AuditEventInput): Promise<void>;
  /**
   * Records one refusal of a request through its recorder (actor, org,
   * address and request id from `audit`; outcome `denied` unless given).
   * The window is kept per action, actor, org and `cause`.
   */
  refuse(
    audit: RequestAudit,
    action: AuditAction,
    options: AuditRecordOptions & { readonly cause: string },
  ): Promise<void>;
  /** Writes the pending counts (those of windows that ended, or all with `all`). */
  flush(options?: { all?: boolean }): Promise<void>;
}

interface Pending {
  readonly startedAt: number;
  readonly event: AuditEventInput;
  repeats: number;
  last: AuditEventInput;
}

export function createAggregatedAudit(options: {
  audit: AuditSink;
  db: Kysely<Database>;
  windowMs: number;
  maxKeys?: number;
  now?: () => number;
}): AggregatedAudit {
  const { audit, db, windowMs } = options;
  const maxKeys = options.maxKeys ?? 10_000;
  const now = options.now ?? Date.now;
  const pending = new Map<string, Pending>();

  const summary = (p: Pending): AuditEventInput => ({
    ...p.last,
    details: {
      ...p.event.details,
      count: p.repeats,
      aggregated: true,
      windowStartedAt: new Date(p.startedAt).toISOString(),
    },
  });
  // Removed from the map before the first await: concurrent callers never settle one window twice.
  const settle = async (entries: [string, Pending][]): Promise<void> => {
    for (const [key] of entries) pending.delete(key);
    for (const [, p] of entries) if (p.repeats > 0) await audit.append(db, summary(p));
  };

  const aggregated: AggregatedAudit = {
    refuse(audit, action, { cause, ...options }) {
      const event = audit.event(action, { outcome: 'denied', ...options });
      const { actor } = event;
      return aggregated.append(
        `${action}|${actor.type}:${actor.id}|${event.orgId ?? ''}|${cause}`,
        event,
      );
    },
    async append(key, event) {
      const t = now();
      const open = pending.get(key);
      if (open && t - open.startedAt < windowMs) {
        open.repeats++;
        open.last = event;
        return;
      }
      const ended: [string, Pending][] = open ? [[key, open]] : [];
      // Bounded memory: a flood of distinct keys settles the oldest counts early.
      if (pending.size >= maxKeys) ended.push(...[...pending].slice(0, Math.ceil(maxKeys / 10)));
      const settling = settle(ended);
      pending.set(key, { startedAt: t, event, repeats: 0, last: event });
      await settling;
      await audit.append(db, { ...event, details: { ...event.details, count: 1 } });
    },
    async flush(flushOptions) {
      const t = now();
      await settle(
        [...pending].filter(([, p]) => flushOptions?.all === true || t - p.startedAt >= windowMs),
      );
    },
  };
  return aggregated;
}
