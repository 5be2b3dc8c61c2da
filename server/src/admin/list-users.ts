import type { AdminUser } from '@gatehouse/shared';
import type { Context } from '../pipeline/context';
import { listUsers } from './admin-user-queries';
import { decodeCursor, encodeCursor } from './keyset-cursor';
import { toAdminUser } from './to-admin-user';

/** Users by email, optionally filtered by an email substring; keyset-paginated. */
export async function listUsersPage(ctx: Context, input: { emailContains?: string | undefined; cursor?: string | undefined; limit: number }): Promise<{ users: AdminUser[]; nextCursor: string | null }> {
  const after = input.cursor !== undefined ? decodeCursor(input.cursor)[0] : undefined;
  const rows = await listUsers(ctx.deps.db, { emailContains: input.emailContains, afterEmail: typeof after === 'string' ? after : undefined, limit: input.limit });
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return { users: page.map(toAdminUser), nextCursor: rows.length > input.limit && last ? encodeCursor([last.email]) : null };
}
