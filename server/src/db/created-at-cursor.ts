import { z } from 'zod';
import { decodeCursor, encodeCursor } from './keyset-cursor';

/**
 * Where a page ends, for lists ordered by `(created_at, id)` (projects,
 * webhook deliveries): the last row's sort key, exact to the microsecond
 * PostgreSQL keeps.
 */
export interface CreatedAtCursor {
  /**
   * `created_at` as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (a JavaScript Date would drop the microseconds
   * and skip rows).
   */
  readonly createdAt: string;
  readonly id: string;
}

const ExactTimestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/)
  // A real instant (no 30 February), so PostgreSQL's cast cannot fail.
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(s)) && new Date(s).toISOString().slice(0, 23) === s.slice(0, 23),
  );
const Position = z.tuple([ExactTimestamp, z.uuid()]);

/** The opaque cursor callers hand back: base64url JSON of the sort key. */
export function encodeCreatedAtCursor(position: CreatedAtCursor): string {
  return encodeCursor([position.createdAt, position.id]);
}

/** Reads a cursor back; anything forged or garbled is a validation error, never SQL. */
export function decodeCreatedAtCursor(cursor: string): CreatedAtCursor {
  const [createdAt, id] = decodeCursor(cursor, Position);
  return { createdAt, id };
}
