import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AuditDeps } from '../app-deps';
import { createAggregatedAudit } from '../audit/aggregated-audit';
import { createAuditWriter } from '../audit/audit-writer';
import type { Database } from '../db/database';
import { withWebhookOutbox } from '../webhooks/webhook-outbox-sink';
import type { Slice } from './slice';

/**
 * The audit writer (queueing webhook deliveries for webhook events), and the
 * aggregated refusals (refused uses of known key ids, replayed tokens: one row
 * per key, reason and minute, with a count), written every minute and once
 * more on close.
 */
export function auditSlice(db: Kysely<Database>, log: Logger): Slice<AuditDeps> {
  // Audit events that are webhook events queue their deliveries in the same transaction.
  const audit = withWebhookOutbox(createAuditWriter());
  const auditRefusals = createAggregatedAudit({ audit, db, windowMs: 60_000 });
  const warn = (err: unknown): void =>
    log.warn({ err: { message: (err as Error).message } }, 'writing aggregated refusals failed');
  const flush = setInterval(() => void auditRefusals.flush().catch(warn), 60_000);
  flush.unref();
  return {
    deps: { audit, auditRefusals },
    close: async () => {
      clearInterval(flush);
      await auditRefusals.flush({ all: true }).catch(warn);
    },
  };
}
