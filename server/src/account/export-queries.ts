import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, DataExportsTable } from '../db/database';

type Db = Kysely<Database> | Transaction<Database>;

export type ExportRow = Pick<
  Selectable<DataExportsTable>,
  'id' | 'status' | 'created_at' | 'ready_at' | 'expires_at'
>;

const INFO = ['id', 'status', 'created_at', 'ready_at', 'expires_at'] as const;

export function insertExport(db: Db, userId: string): Promise<ExportRow> {
  return db
    .insertInto('data_exports')
    .values({ user_id: userId })
    .returning(INFO)
    .executeTakeFirstOrThrow();
}

/** The user's most recent request that has not failed, if it is younger than `windowMs`. */
export function recentExport(
  db: Db,
  userId: string,
  windowMs: number,
): Promise<{ created_at: Date } | undefined> {
  return db
    .selectFrom('data_exports')
    .select('created_at')
    .where('user_id', '=', userId)
    .where('status', '!=', 'failed')
    .where('created_at', '>', sql<Date>`now() - make_interval(secs => ${windowMs / 1000})`)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}

export function listExports(db: Db, userId: string): Promise<ExportRow[]> {
  return db
    .selectFrom('data_exports')
    .select(INFO)
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .limit(20)
    .execute();
}

/** Claims pending requests for this instance (several instances never build one twice). */
export function claimPending(
  trx: Transaction<Database>,
  limit: number,
): Promise<{ id: string; user_id: string }[]> {
  return trx
    .selectFrom('data_exports')
    .select(['id', 'user_id'])
    .where('status', '=', 'pending')
    .orderBy('created_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function markReady(
  db: Db,
  id: string,
  values: { tokenHash: Uint8Array; document: string; expiresAt: Date },
): Promise<void> {
  await db
    .updateTable('data_exports')
    .set({
      status: 'ready',
      token_hash: values.tokenHash,
      document: values.document,
      ready_at: sql`now()`,
      expires_at: values.expiresAt,
    })
    .where('id', '=', id)
    .execute();
}

export async function markFailed(db: Db, id: string): Promise<void> {
  await db.updateTable('data_exports').set({ status: 'failed' }).where('id', '=', id).execute();
}

/**
 * Takes a ready document by its token: the row is locked and re-checked, so of two concurrent
 * downloads one gets it. The stored document is cleared as it is taken.
 */
export async function takeDocument(
  trx: Transaction<Database>,
  tokenHash: Uint8Array,
): Promise<{ id: string; user_id: string; document: string } | undefined> {
  const row = await trx
    .selectFrom('data_exports')
    .select(['id', 'user_id', 'document'])
    .where('token_hash', '=', tokenHash)
    .where('status', '=', 'ready')
    .where('expires_at', '>', sql<Date>`now()`)
    .forUpdate()
    .executeTakeFirst();
  if (!row || row.document === null) return undefined;
  await trx
    .updateTable('data_exports')
    .set({ status: 'fetched', fetched_at: sql`now()`, document: null })
    .where('id', '=', row.id)
    .execute();
  return { id: row.id, user_id: row.user_id, document: row.document };
}

/** Ready documents whose link expired unused: the sealed copy is not kept. */
export async function dropExpiredDocuments(db: Db): Promise<number> {
  const r = await db
    .updateTable('data_exports')
    .set({ document: null })
    .where('status', '=', 'ready')
    .where('expires_at', '<=', sql<Date>`now()`)
    .where('document', 'is not', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
