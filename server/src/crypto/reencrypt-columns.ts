import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { EncryptedColumn } from './encrypted-columns';
import type { KeyRing } from './key-ring';

export interface ReencryptResult {
  readonly table: string;
  readonly column: string;
  readonly reencrypted: number;
}

/**
 * Moves every ciphertext not under the newest key onto it, in batches, each
 * row updated only if it still holds the ciphertext that was read (a
 * concurrent writer wins). Empty values (e.g. sent mail) are skipped.
 */
export async function reencryptColumns(db: Kysely<Database>, ring: KeyRing, columns: readonly EncryptedColumn[], options?: { batchSize?: number }): Promise<ReencryptResult[]> {
  const batchSize = options?.batchSize ?? 500;
  const current = `v1.${ring.currentKeyId}.%`;
  const results: ReencryptResult[] = [];
  for (const col of columns) {
    let count = 0;
    let after = '';
    for (;;) {
      const { rows } = await sql<{ id: string; value: string }>`
        select ${sql.ref(col.idColumn)}::text as id, ${sql.ref(col.column)} as value
        from ${sql.table(col.table)}
        where ${sql.ref(col.column)} <> '' and ${sql.ref(col.column)} not like ${current}
          and ${sql.ref(col.idColumn)}::text > ${after}
        order by ${sql.ref(col.idColumn)}::text
        limit ${batchSize}`.execute(db);
      if (rows.length === 0) break;
      await db.transaction().execute(async (trx) => {
        for (const row of rows) {
          const aad = col.aad(row.id);
          const fresh = ring.encrypt(ring.decrypt(row.value, aad), aad);
          const r = await sql`update ${sql.table(col.table)} set ${sql.ref(col.column)} = ${fresh}
            where ${sql.ref(col.idColumn)}::text = ${row.id} and ${sql.ref(col.column)} = ${row.value}`.execute(trx);
          count += Number(r.numAffectedRows ?? 0n);
        }
      });
      after = rows[rows.length - 1]?.id ?? after;
      if (rows.length < batchSize) break;
    }
    results.push({ table: col.table, column: col.column, reencrypted: count });
  }
  return results;
}
