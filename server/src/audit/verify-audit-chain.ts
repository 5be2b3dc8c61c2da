import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { chainHash, recordFromRow } from './audit-record';

export type ChainVerdict =
  | { readonly ok: true; readonly count: number }
  | { readonly ok: false; readonly count: number; readonly brokenId: string; readonly problem: 'hash mismatch' | 'broken link' | 'head mismatch' };

/**
 * Walks the chain in id order, in batches, recomputing every hash from the
 * previous one. Names the first row whose content or link does not match.
 */
export async function verifyAuditChain(db: Kysely<Database>, options?: { batchSize?: number }): Promise<ChainVerdict> {
  const batchSize = options?.batchSize ?? 1000;
  let prev: Buffer = Buffer.alloc(32);
  let after = '0';
  let count = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_events').selectAll().where('id', '>', after).orderBy('id').limit(batchSize).execute();
    for (const row of rows) {
      const id = String(row.id);
      if (!Buffer.from(row.prev_hash).equals(prev)) return { ok: false, count, brokenId: id, problem: 'broken link' };
      const expected = chainHash(prev, recordFromRow(row));
      if (!expected.equals(Buffer.from(row.hash))) return { ok: false, count, brokenId: id, problem: 'hash mismatch' };
      prev = expected;
      after = id;
      count++;
    }
    if (rows.length < batchSize) break;
  }
  const head = await db.selectFrom('audit_chain_head').select(['last_id', 'last_hash']).where('id', '=', 1).executeTakeFirst();
  if (head && count > 0 && (String(head.last_id) !== after || !Buffer.from(head.last_hash).equals(prev))) {
    // Rows after the last one we could read were deleted, or the head was rewritten.
    return { ok: false, count, brokenId: String(head.last_id), problem: 'head mismatch' };
  }
  return { ok: true, count };
}
