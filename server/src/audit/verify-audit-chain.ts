import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database';
import { chainHash, recordFromRow } from './audit-record';

export type ChainProblem =
  | 'hash mismatch'
  | 'broken link'
  | 'head mismatch'
  | 'row beyond head'
  | 'expected head missing'
  | 'expected head differs';

/** A head recorded earlier outside the database: the row id and its hash (hex). */
export interface ExpectedHead {
  readonly id: string;
  readonly hash: string;
}

/** Parses `<id>:<hash>` as `audit verify` prints it; undefined if malformed. */
export function parseExpectedHead(text: string): ExpectedHead | undefined {
  const m = /^([1-9][0-9]{0,18}):([0-9a-fA-F]{64})$/.exec(text.trim());
  return m?.[1] && m[2] ? { id: m[1], hash: m[2].toLowerCase() } : undefined;
}

export type ChainVerdict =
  | {
      readonly ok: true;
      readonly count: number;
      readonly headId: string;
      readonly headHash: string;
    }
  | {
      readonly ok: false;
      readonly count: number;
      readonly brokenId: string;
      readonly problem: ChainProblem;
    };

/**
 * Walks the chain in id order, in batches, recomputing every hash from the
 * previous one, up to the chain head read at the start (events appended while
 * it runs are left to the next run, so a live system never looks broken).
 * Names the first row whose content or link does not match, a head that the
 * rows no longer reach (rows removed at the end, or all of them), or a row
 * inserted past the head behind the writer's back. On success it returns the
 * head, which an operator can record elsewhere: a superuser who rewrites the
 * whole chain and its head can only be caught against such an outside copy.
 * With `expectHead` (that copy) the chain must still hold that row with that
 * hash: fewer rows (a cut tail, a wipe, a rewound head) or a rewritten
 * history fail as 'expected head missing' or 'expected head differs'.
 *
 * @example
 * const verdict = await verifyAuditChain(db);
 * if (!verdict.ok) console.error(`broken at ${verdict.brokenId}`);
 */
export async function verifyAuditChain(
  db: Kysely<Database>,
  options?: { batchSize?: number; expectHead?: ExpectedHead },
): Promise<ChainVerdict> {
  const batchSize = options?.batchSize ?? 1000;
  const want = options?.expectHead;
  let expectedSeen: boolean | undefined;
  // One statement, one snapshot: an append moves the head and inserts its row
  // in the same transaction, so here the two are consistent.
  const { rows: heads } = await sql<{
    last_id: string;
    last_hash: Uint8Array;
    beyond: string | null;
  }>`
    select h.last_id::text as last_id, h.last_hash,
      (select min(e.id)::text from audit_events e where e.id > h.last_id) as beyond
    from audit_chain_head h where h.id = 1`.execute(db);
  const head = heads[0];
  if (!head) throw new Error('audit_chain_head is missing: are the migrations applied?');

  let prev: Buffer = Buffer.alloc(32);
  let after = '0';
  let count = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('id', '>', after)
      .where('id', '<=', head.last_id)
      .orderBy('id')
      .limit(batchSize)
      .execute();
    for (const row of rows) {
      const id = String(row.id);
      if (!Buffer.from(row.prev_hash).equals(prev))
        return { ok: false, count, brokenId: id, problem: 'broken link' };
      const expected = chainHash(prev, recordFromRow(row));
      if (!expected.equals(Buffer.from(row.hash)))
        return { ok: false, count, brokenId: id, problem: 'hash mismatch' };
      prev = expected;
      after = id;
      count++;
      if (id === want?.id) expectedSeen = prev.toString('hex') === want.hash;
    }
    if (rows.length < batchSize) break;
  }
  if (after !== head.last_id || !prev.equals(Buffer.from(head.last_hash))) {
    // The last rows (possibly all of them) were deleted, or the head was rewritten.
    return { ok: false, count, brokenId: head.last_id, problem: 'head mismatch' };
  }
  if (head.beyond !== null)
    return { ok: false, count, brokenId: head.beyond, problem: 'row beyond head' };
  if (want && expectedSeen === undefined)
    return { ok: false, count, brokenId: want.id, problem: 'expected head missing' };
  if (want && !expectedSeen)
    return { ok: false, count, brokenId: want.id, problem: 'expected head differs' };
  return { ok: true, count, headId: head.last_id, headHash: prev.toString('hex') };
}
