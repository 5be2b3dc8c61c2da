import type { z } from 'zod';
import { AppError } from '../pipeline/app-error';

/**
 * Keyset pagination cursors: the sort key of the last row, as base64url JSON.
 * Opaque to callers; a tampered cursor is a validation error, never SQL.
 */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/**
 * Reads a cursor back against the exact shape of its list's sort key (types,
 * ranges, formats), so that nothing the database would refuse to cast (a
 * non-numeric id, a bigint out of range, a NUL byte) ever reaches a query:
 * anything forged or garbled answers VALIDATION_FAILED.
 *
 * @example
 * const [id] = decodeCursor(input.cursor, z.tuple([BigintId]));
 */
export function decodeCursor<T>(cursor: string, position: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('VALIDATION_FAILED', { message: 'Malformed cursor' });
  }
  const parsed = position.safeParse(json);
  if (!parsed.success) throw new AppError('VALIDATION_FAILED', { message: 'Malformed cursor' });
  return parsed.data;
}
