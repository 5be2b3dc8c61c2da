import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { CreatedAtCursor } from './created-at-cursor';

/**
 * `created_at` to the microsecond, in UTC, for the page cursor: a JavaScript Date keeps only
 * milliseconds, and a cursor rounded to them would skip or repeat rows.
 */
export const createdAtExact: RawBuilder<string> = sql<string>`to_char(
  created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
)`;

/**
 * One keyset page, newest first: the rows after `after` in `(created_at, id)` order (a row
 * comparison, which the `(org_id, created_at, id)` index answers), one more than `limit` so the
 * caller can tell whether another page exists. No OFFSET, no COUNT.
 */
export function createdAtPage<QB extends SelectQueryBuilder<any, any, any>>(
  query: QB,
  after: CreatedAtCursor | undefined,
  limit: number,
): QB {
  const position = after
    ? sql<boolean>`(created_at, id) <
        (cast(${after.createdAt} as timestamptz), cast(${after.id} as uuid))`
    : undefined;
  const positioned = position ? query.where(position) : query;
  return positioned
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1) as QB;
}
