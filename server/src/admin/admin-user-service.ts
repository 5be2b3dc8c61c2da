import type { AdminUser } from '@gatehouse/shared';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import { AppError } from '../pipeline/app-error';
import { getUser, listUsers } from './admin-user-queries';
import { decodeCursor, encodeCursor } from '../db/keyset-cursor';
import { toAdminUser } from './to-admin-user';

/** What reading users needs. */
export interface AdminReader {
  readonly deps: Pick<AppDeps, 'db'>;
}

/** The last email of a page: an address as stored (no control characters, never a NUL). */
const UserPosition = z.tuple([
  z
    .string()
    .min(3)
    .max(320)
    .regex(/^[^\s@]+@[^\s@]+$/)
    .refine((s) => ![...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)),
]);

/** Users by email, optionally filtered by an email substring; keyset-paginated. */
export async function listUsersPage(
  ctx: AdminReader,
  input: { emailContains?: string | undefined; cursor?: string | undefined; limit: number },
): Promise<{ users: AdminUser[]; nextCursor: string | null }> {
  const after =
    input.cursor !== undefined ? decodeCursor(input.cursor, UserPosition)[0] : undefined;
  const rows = await listUsers(ctx.deps.db, {
    emailContains: input.emailContains,
    afterEmail: after,
    limit: input.limit,
  });
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    users: page.map(toAdminUser),
    nextCursor: rows.length > input.limit && last ? encodeCursor([last.email]) : null,
  };
}

export async function getAdminUser(ctx: AdminReader, id: string): Promise<AdminUser> {
  const row = await getUser(ctx.deps.db, id);
  if (!row) throw new AppError('NOT_FOUND', { message: 'No such user' });
  return toAdminUser(row);
}
