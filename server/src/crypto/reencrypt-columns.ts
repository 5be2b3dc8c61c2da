import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { EncryptedColumn } from './encrypted-columns';
import { KeyRingError, type KeyRing } from './key-ring';

export interface ReencryptResult {
  readonly table: string;
  readonly column: string;
  readonly reencrypted: number;
  /** Rows no listed key opens (key removed too early, or tampered): left as they are. */
  readonly failed: number;
  /** The first few of those rows' ids, for the operator. */
  readonly failedIds: readonly string[];
}

const FAILED_IDS_SHOWN = 10;

/**
 * Moves every ciphertext not under the newest key onto it, in batches of
 * rows, each batch in one transaction, each row updated only if it still
 * holds the ciphertext that was read (a concurrent writer wins). Empty values
 * (e.g. sent mail) are skipped; rows that cannot be opened are counted and
 * left alone rather than stopping the walk half way.
 *
 * @example
 * const results = await reencryptColumns(db, createKeyRing(config.encryptionKeys),
 * ENCRYPTED_COLUMNS);
 */
export async function reencryptColumns(
  db: Kysely<Database>,
  ring: KeyRing,
  columns: readonly EncryptedColumn[],
  options?: { batchSize?: number },
): Promise<ReencryptResult[]> {
  const batchSize = options?.batchSize ?? 500;
  // A prefix compare, not LIKE: `_` is legal in a key id and a LIKE wildcard.
  const current = `v1.${ring.currentKeyId}.`;
  const results: ReencryptResult[] = [];
  for (const col of columns) {
    let reencrypted = 0;
    const failedIds: string[] = [];
    let failed = 0;
    let after = '';
    for (;;) {
      const { rows } = await sql<{ id: string; value: string }>`
        select ${sql.ref(col.idColumn)}::text as id, ${sql.ref(col.column)} as value
        from ${sql.table(col.table)}
        where ${sql.ref(col.column)} <> ''
          and left(${sql.ref(col.column)}, ${current.length}) <> ${current}
          and ${sql.ref(col.idColumn)}::text > ${after}
        order by ${sql.ref(col.idColumn)}::text
        limit ${batchSize}`.execute(db);
      if (rows.length === 0) break;
      const fresh: { id: string; old: string; value: string }[] = [];
      for (const row of rows) {
        const aad = col.aad(row.id);
        try {
          fresh.push({
            id: row.id,
            old: row.value,
            value: ring.encrypt(ring.decrypt(row.value, aad), aad),
          });
        } catch (error) {
          if (!(error instanceof KeyRingError)) throw error;
          failed++;
          if (failedIds.length < FAILED_IDS_SHOWN) failedIds.push(row.id);
        }
      }
      await db.transaction().execute(async (trx) => {
        for (const row of fresh) {
          // Counted from RETURNING: the PGlite dialect reports no affected-row count for raw SQL.
          const r =
            await sql`update ${sql.table(col.table)} set ${sql.ref(col.column)} = ${row.value}
            where ${sql.ref(col.idColumn)}::text = ${row.id} and ${sql.ref(col.column)} = ${row.old}
            returning 1 as moved`.execute(trx);
          reencrypted += r.rows.length;
        }
      });
      after = rows[rows.length - 1]?.id ?? after;
      if (rows.length < batchSize) break;
    }
    results.push({ table: col.table, column: col.column, reencrypted, failed, failedIds });
  }
  return results;
}
