import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database';

const ROLLBACK = Symbol('rollback');

/**
 * Runs `body` in one transaction and commits only when the procedure it ran
 * succeeded: a failed result (`ok: false`, tRPC's way of returning an error
 * through middleware) rolls everything back and is returned as it is. `body`
 * may return undefined (a refusal decided before the handler ran), which
 * commits whatever it did.
 */
export async function rollbackUnlessOk<R extends { ok: boolean }>(
  db: Kysely<Database>,
  body: (trx: Transaction<Database>) => Promise<R | undefined>,
): Promise<R | undefined> {
  let result: R | undefined;
  try {
    await db.transaction().execute(async (trx) => {
      result = await body(trx);
      if (result && !result.ok) throw ROLLBACK;
    });
  } catch (err) {
    if (err !== ROLLBACK) throw err;
  }
  return result;
}
