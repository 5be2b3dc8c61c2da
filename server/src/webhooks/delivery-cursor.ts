import { z } from 'zod';
import { AppError } from '../pipeline/app-error';

/** Where a page ends: the last row's sort key, exact to the microsecond PostgreSQL keeps. */
export interface DeliveryCursor {
  /**
   * `created_at` as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (a JavaScript Date would
   * drop the microseconds and skip rows).
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
export function encodeDeliveryCursor(position: DeliveryCursor): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');
}

/** Reads a cursor back; anything forged or garbled is a validation error, never SQL. */
export function decodeDeliveryCursor(cursor: string): DeliveryCursor {
  let parsed: z.infer<typeof Position>;
  try {
    parsed = Position.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new AppError('VALIDATION_FAILED', { message: 'Malformed cursor' });
  }
  return { createdAt: parsed[0], id: parsed[1] };
}
