import { z } from 'zod';
import { AppError } from '../pipeline/app-error';

/**
 * Keyset pagination cursors: the sort key of the last row, as base64url JSON.
 * Opaque to callers; a tampered cursor is a validation error, never SQL.
 */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

const Values = z.array(z.union([z.string().max(512), z.number()])).min(1).max(4);

export function decodeCursor(cursor: string): (string | number)[] {
  try {
    return Values.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new AppError('VALIDATION_FAILED', { message: 'Malformed cursor' });
  }
}
