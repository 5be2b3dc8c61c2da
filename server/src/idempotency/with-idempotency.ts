import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { canonicalJson } from '../audit/canonical-json';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import { settleLater } from './settle-later';

const KEY_SHAPE = /^[A-Za-z0-9._:-]{1,255}$/;
/** How long a first response is kept and replayed. */
export const IDEMPOTENCY_TTL = sql`interval '24 hours'`;
/**
 * A claim still `in_progress` after this long belongs to a process that died
 * mid-call (a live one settles its claim, retrying through a database outage):
 * it no longer blocks the key.
 */
const ABANDONED_AFTER = sql`interval '5 minutes'`;

type Result = { ok: true; data: unknown } | { ok: false; error: unknown };

function principalKey(p: Principal): string {
  return p.apiKeyId ? `api_key:${p.apiKeyId}` : `user:${p.userId}`;
}

/**
 * Stripe-style idempotent mutations: the first response for (principal,
 * `Idempotency-Key`, procedure) is kept 24 hours and replayed for repeats;
 * the same key with a different input answers IDEMPOTENCY_KEY_REUSED (422);
 * while the first is still running a repeat answers IDEMPOTENCY_KEY_IN_USE
 * (409, Retry-After: 1), so two concurrent requests make one write. Failures
 * are not kept: the client may retry them with the same key.
 *
 * A response that carries a secret (`returnsSecret` in the procedure's meta,
 * passed here as `storeResponse: false`) is never stored: the claim still
 * makes the call happen once, and a repeat answers
 * IDEMPOTENCY_SECRET_NOT_REPLAYED (409) instead of the secret, so neither a
 * database dump nor a replay (after the key was revoked) yields it.
 */
export async function withIdempotency<R extends Result>(
  ctx: Context & { principal: Principal },
  path: string,
  rawInput: unknown,
  run: () => Promise<R>,
  options?: { readonly storeResponse: boolean },
): Promise<R> {
  const storeResponse = options?.storeResponse ?? true;
  const header = ctx.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  if (key === undefined) return run();
  if (!KEY_SHAPE.test(key))
    throw new AppError('VALIDATION_FAILED', {
      message: 'Idempotency-Key must be 1-255 characters of [A-Za-z0-9._:-]',
    });
  const db = ctx.deps.db;
  const principal = principalKey(ctx.principal);
  const hash = createHash('sha256')
    .update(canonicalJson(rawInput ?? null))
    .digest();
  const thisKey = db
    .deleteFrom('idempotency_keys')
    .where('principal', '=', principal)
    .where('key', '=', key)
    .where('procedure', '=', path);

  // An expired record, or a claim abandoned by a dead process, no longer counts.
  await thisKey
    .where((eb) =>
      eb.or([
        eb('created_at', '<', sql<Date>`now() - ${IDEMPOTENCY_TTL}`),
        eb.and([
          eb('state', '=', 'in_progress'),
          eb('created_at', '<', sql<Date>`now() - ${ABANDONED_AFTER}`),
        ]),
      ]),
    )
    .execute();
  const claimed = await db
    .insertInto('idempotency_keys')
    .values({
      principal,
      key,
      procedure: path,
      request_hash: hash,
      state: 'in_progress',
      response: null,
    })
    .onConflict((oc) => oc.columns(['principal', 'key', 'procedure']).doNothing())
    // The claim's timestamp (as text, to the microsecond) identifies it: settling touches this
    // claim only.
    .returning(sql<string>`created_at::text`.as('claimedAt'))
    .executeTakeFirst();
  if (!claimed) {
    const existing = await db
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'state', 'response'])
      .where('principal', '=', principal)
      .where('key', '=', key)
      .where('procedure', '=', path)
      .executeTakeFirst();
    if (!existing)
      throw new AppError('IDEMPOTENCY_KEY_IN_USE', {
        message: 'Retry shortly',
        retryAfterSeconds: 1,
      });
    if (!Buffer.from(existing.request_hash).equals(hash))
      throw new AppError('IDEMPOTENCY_KEY_REUSED', {
        message: 'This Idempotency-Key was used with a different input',
      });
    if (existing.state === 'in_progress')
      throw new AppError('IDEMPOTENCY_KEY_IN_USE', {
        message: 'A request with this Idempotency-Key is still running',
        retryAfterSeconds: 1,
      });
    if (!storeResponse) {
      throw new AppError('IDEMPOTENCY_SECRET_NOT_REPLAYED', {
        message:
          'The first call with this Idempotency-Key succeeded; ' +
          'its response carried a secret shown only once, so it is not replayed',
      });
    }
    ctx.response.setHeader('idempotent-replayed', 'true');
    return {
      ok: true,
      data: existing.response === null ? null : JSON.parse(existing.response),
    } as R;
  }

  // Settling the claim must not be lost to a database blip: keep trying in the
  // background (repeats meanwhile get 409 and retry); this caller is answered now.
  const ours = sql<boolean>`created_at = ${claimed.claimedAt}::timestamptz`;
  const release = (): Promise<void> =>
    settleLater(ctx.log, 'release idempotency key', () => thisKey.where(ours).execute());
  let result: R;
  try {
    result = await run();
  } catch (err) {
    await release();
    throw err;
  }
  if (result.ok) {
    // A secret-bearing response is never written down: only the fact that the call happened.
    const response = storeResponse ? JSON.stringify(result.data ?? null) : null;
    await settleLater(ctx.log, 'store idempotent response', () =>
      db
        .updateTable('idempotency_keys')
        .set({ state: 'done', response })
        .where('principal', '=', principal)
        .where('key', '=', key)
        .where('procedure', '=', path)
        .where(ours)
        .execute(),
    );
  } else {
    await release();
  }
  return result;
}
