import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/database';
import type { AuditEventInput, AuditSink } from '../pipeline/audit-sink';
import { chainHash, type AuditRecord } from './audit-record';
import { redactDetails } from './redact-details';

/**
 * Appends one event to the hash chain, inside the caller's transaction (the
 * event commits with the change it records) or in its own. The chain head
 * row is locked for the transaction, so appends from any number of writers
 * and instances form one chain, at O(1) cost per event. The head stays
 * locked until the caller commits, so append as the last step of a
 * transaction, never before slow work (hashing a password, calling out).
 *
 * @example
 * await db.transaction().execute(async (trx) => {
 *   await changeRole(trx, userId, 'admin');
 *   await appendAuditEvent(trx, {
 *     action: 'admin.user.set_role',
 *     actor,
 *     target: { type: 'user', id: userId },
 *     outcome: 'success',
 *   });
 * });
 */
export async function appendAuditEvent(
  db: Kysely<Database> | Transaction<Database>,
  event: AuditEventInput,
): Promise<string> {
  if (db.isTransaction) return appendInTransaction(db as Transaction<Database>, event);
  return db.transaction().execute((trx) => appendInTransaction(trx, event));
}

async function appendInTransaction(
  trx: Transaction<Database>,
  event: AuditEventInput,
): Promise<string> {
  const head = await trx
    .selectFrom('audit_chain_head')
    .select(['last_hash'])
    .where('id', '=', 1)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const { rows } = await sql<{
    id: string | number | bigint;
  }>`select nextval('audit_events_id_seq') as id`.execute(trx);
  const record: AuditRecord = {
    id: String(rows[0]?.id),
    occurredAt: new Date().toISOString(),
    actorType: event.actor.type,
    actorId: event.actor.id,
    action: event.action,
    targetType: event.target?.type ?? null,
    targetId: event.target?.id ?? null,
    orgId: event.orgId ?? null,
    ip: event.ip ?? null,
    requestId: event.requestId ?? null,
    outcome: event.outcome,
    details: redactDetails(event.details),
    ...(event.actor.onBehalfOf !== undefined ? { onBehalfOf: event.actor.onBehalfOf } : {}),
  };
  const prevHash = Buffer.from(head.last_hash);
  const hash = chainHash(prevHash, record);
  await trx
    .insertInto('audit_events')
    .values({
      id: record.id,
      occurred_at: new Date(record.occurredAt),
      actor_type: event.actor.type,
      actor_id: record.actorId,
      action: record.action,
      target_type: record.targetType,
      target_id: record.targetId,
      org_id: record.orgId,
      ip: record.ip,
      request_id: record.requestId,
      outcome: record.outcome as AuditEventInput['outcome'],
      details: JSON.stringify(record.details),
      on_behalf_of: record.onBehalfOf ?? null,
      prev_hash: prevHash,
      hash,
    })
    .execute();
  await trx
    .updateTable('audit_chain_head')
    .set({ last_id: record.id, last_hash: hash })
    .where('id', '=', 1)
    .execute();
  return record.id;
}

/** The audit sink the features write to: the tamper-evident table. */
export function createAuditWriter(): AuditSink {
  return {
    async append(db, event) {
      await appendAuditEvent(db, event);
    },
  };
}
