import type { AdminUser } from '@gatehouse/shared';
import { z } from 'zod';
import type { Context } from '../pipeline/context';
import { listUsers } from './admin-user-queries';
import { decodeCursor, encodeCursor } from './keyset-cursor';
import { toAdminUser } from './to-admin-user';

/** The last email of a page: an address as users are stored (no control characters, never a NUL). */
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
  ctx: Context,
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
