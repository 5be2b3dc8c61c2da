import type { AuditEvent, AuditListInput } from '@gatehouse/shared';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../db/keyset-cursor';
import type { Database } from '../db/database';

/** An audit row id as the cursor carries it: a positive PostgreSQL bigint, in decimal. */
const AuditPosition = z.tuple([
  z
    .string()
    .regex(/^[1-9][0-9]{0,18}$/)
    // Compared as text (zod runs refinements after a failed regex too): at most 2^63 - 1.
    .refine((s) => s.length < 19 || (s.length === 19 && s <= '9223372036854775807')),
]);

/**
 * Newest first, filtered (`onBehalfOf` / `impersonation` find what administrators did as a
 * user); keyset-paginated by id (no OFFSET, no COUNT).
 */
export async function listAuditEvents(
  db: Kysely<Database>,
  input: AuditListInput & { limit: number },
): Promise<{ events: AuditEvent[]; nextCursor: string | null }> {
  let q = db
    .selectFrom('audit_events')
    .select([
      'id',
      'occurred_at',
      'actor_type',
      'actor_id',
      'action',
      'target_type',
      'target_id',
      'org_id',
      'ip',
      'request_id',
      'outcome',
      'details',
      'on_behalf_of',
    ]);
  if (input.actorId !== undefined) q = q.where('actor_id', '=', input.actorId);
  if (input.action !== undefined) q = q.where('action', '=', input.action);
  if (input.targetType !== undefined) q = q.where('target_type', '=', input.targetType);
  if (input.targetId !== undefined) q = q.where('target_id', '=', input.targetId);
  if (input.orgId !== undefined) q = q.where('org_id', '=', input.orgId);
  if (input.onBehalfOf !== undefined) q = q.where('on_behalf_of', '=', input.onBehalfOf);
  if (input.impersonation === true) q = q.where('on_behalf_of', 'is not', null);
  if (input.impersonation === false) q = q.where('on_behalf_of', 'is', null);
  if (input.from !== undefined) q = q.where('occurred_at', '>=', new Date(input.from));
  if (input.to !== undefined) q = q.where('occurred_at', '<', new Date(input.to));
  if (input.cursor !== undefined)
    q = q.where('id', '<', decodeCursor(input.cursor, AuditPosition)[0]);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    events: page.map((r) => ({
      id: String(r.id),
      occurredAt: new Date(r.occurred_at).toISOString(),
      actorType: r.actor_type,
      actorId: r.actor_id,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      orgId: r.org_id,
      ip: r.ip,
      requestId: r.request_id,
      outcome: r.outcome,
      details: r.details,
      onBehalfOf: r.on_behalf_of,
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor([String(last.id)]) : null,
  };
}
