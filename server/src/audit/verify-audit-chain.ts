import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database';
import { chainHash, recordFromRow } from './audit-record';

export type ChainProblem = 'hash mismatch' | 'broken link' | 'head mismatch' | 'row beyond head';

export type ChainVerdict =
  | { readonly ok: true; readonly count: number; readonly headId: string; readonly headHash: string }
  | { readonly ok: false; readonly count: number; readonly brokenId: string; readonly problem: ChainProblem };

/**
 * Walks the chain in id order, in batches, recomputing every hash from the
 * previous one, up to the chain head read at the start (events appended while
 * it runs are left to the next run, so a live system never looks broken).
 * Names the first row whose content or link does not match, a head that the
 * rows no longer reach (rows removed at the end, or all of them), or a row
 * inserted past the head behind the writer's back. On success it returns the
 * head, which an operator can record elsewhere: a superuser who rewrites the
 * whole chain and its head can only be caught against such an outside copy.
 *
 * @example
 * const verdict = await verifyAuditChain(db);
 * if (!verdict.ok) console.error(`broken at ${verdict.brokenId}`);
 */
export async function verifyAuditChain(db: Kysely<Database>, options?: { batchSize?: number }): Promise<ChainVerdict> {
  const batchSize = options?.batchSize ?? 1000;
  // One statement, one snapshot: an append moves the head and inserts its row
  // in the same transaction, so here the two are consistent.
  const { rows: heads } = await sql<{ last_id: string; last_hash: Uint8Array; beyond: string | null }>`
    select h.last_id::text as last_id, h.last_hash,
      (select min(e.id)::text from audit_events e where e.id > h.last_id) as beyond
    from audit_chain_head h where h.id = 1`.execute(db);
  const head = heads[0];
  if (!head) throw new Error('audit_chain_head is missing: are the migrations applied?');

  let prev: Buffer = Buffer.alloc(32);
  let after = '0';
  let count = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_events').selectAll().where('id', '>', after).where('id', '<=', head.last_id).orderBy('id').limit(batchSize).execute();
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
  if (after !== head.last_id || !prev.equals(Buffer.from(head.last_hash))) {
    // The last rows (possibly all of them) were deleted, or the head was rewritten.
    return { ok: false, count, brokenId: head.last_id, problem: 'head mismatch' };
  }
  if (head.beyond !== null) return { ok: false, count, brokenId: head.beyond, problem: 'row beyond head' };
  return { ok: true, count, headId: head.last_id, headHash: prev.toString('hex') };
}
